import SluiceCore

/// The `storage` block of a file source or target whose `path` is an object address: where
/// the store is, how to sign in, and how requests behave. Every key is optional; credentials
/// not given here come from the cloud's standard environment variables (see
/// ``CloudEnvironment``).
public struct ObjectStorageConfig: Decodable, Sendable, Equatable {
    /// A custom endpoint (`http://127.0.0.1:9000`, MinIO, R2, Ceph, an emulator).
    public var endpoint: String?
    /// S3: the region requests are signed for (default `AWS_REGION`, else `us-east-1`).
    public var region: String?
    /// S3: the access key id (default `AWS_ACCESS_KEY_ID`).
    public var accessKeyId: String?
    /// S3: the secret access key (default `AWS_SECRET_ACCESS_KEY`).
    public var secretAccessKey: String?
    /// S3: the session token of temporary credentials (default `AWS_SESSION_TOKEN`).
    public var sessionToken: String?
    /// S3: path-style addressing (`endpoint/bucket/key`) rather than virtual-hosted
    /// (`bucket.endpoint/key`); default true with a custom endpoint, false for AWS.
    public var pathStyle: Bool?
    /// S3: server-side encryption of written objects: `AES256` or `aws:kms`.
    public var serverSideEncryption: String?
    /// S3: the KMS key of `aws:kms` encryption.
    public var kmsKeyId: String?
    /// GCS: a service-account key (the JSON document), normally `${env:…}`; default the file
    /// `GOOGLE_APPLICATION_CREDENTIALS` names.
    public var serviceAccountKey: String?
    /// GCS: an OAuth2 access token to use as it is, instead of a service-account key.
    public var accessToken: String?
    /// Azure: the storage account (default from the address, else `AZURE_STORAGE_ACCOUNT`).
    public var account: String?
    /// Azure: the account key for SharedKey signing (default `AZURE_STORAGE_KEY`).
    public var accountKey: String?
    /// Azure: a shared access signature (the query string, with or without `?`; default
    /// `AZURE_STORAGE_SAS_TOKEN`).
    public var sasToken: String?
    /// Sends requests without credentials (public buckets, emulators).
    public var anonymous: Bool?
    /// The only endpoint hosts allowed; when set, any other host is refused.
    public var allowedHosts: [String]?
    /// Allows an endpoint on a link-local or cloud metadata address (refused by default).
    public var allowMetadataEndpoints: Bool?
    /// Seconds an answer may take to start, and the longest silence while it arrives (default 60).
    public var timeoutSeconds: Double?
    /// Attempts after the first for a failed request (default 4).
    public var retries: Int?
    /// Seconds of the first backoff between attempts, doubled at each (default 0.2).
    public var retryBackoffSeconds: Double?
    /// MiB per part of a read request and of an upload part (default 8).
    public var partSizeMiB: Int?
    /// Parts read or uploaded at once per object (default 4).
    public var parallelism: Int?

    public init() {}

    /// The declaration of the `storage` key, shared by the file source and target.
    public static let field = FieldShape.optional(
        "storage", .object(shapeFields),
        "Object storage settings for an `s3://`, `gs://`, `az://`, `abfss://` or `https://…blob.core.windows.net` path: "
            + "endpoint, credentials (else the cloud's standard environment variables), timeouts, retries and part sizes.")

    /// The keys of the `storage` block.
    public static let shapeFields: [FieldShape] = [
        .optional("endpoint", .text(format: "url"), "A custom endpoint (`http://127.0.0.1:9000`) for S3-compatible stores (MinIO, R2, Ceph) and emulators."),
        .optional("region", .nonEmptyText, "S3: the region requests are signed for; default `AWS_REGION`, else `us-east-1`."),
        .optional("accessKeyId", .nonEmptyText, "S3: the access key id; default `AWS_ACCESS_KEY_ID`."),
        .optional("secretAccessKey", .nonEmptyText, "S3: the secret access key, as `${env:NAME}`; default `AWS_SECRET_ACCESS_KEY`."),
        .optional("sessionToken", .nonEmptyText, "S3: the session token of temporary credentials; default `AWS_SESSION_TOKEN`."),
        .optional("pathStyle", .boolean, "S3: `endpoint/bucket/key` addressing rather than `bucket.endpoint/key`; default true with a custom endpoint, false for AWS."),
        .optional("serverSideEncryption", .choice(["AES256", "aws:kms"]), "S3: server-side encryption of written objects (`x-amz-server-side-encryption`)."),
        .optional("kmsKeyId", .nonEmptyText, "S3: the KMS key for `aws:kms` encryption."),
        .optional("serviceAccountKey", .nonEmptyText, "GCS: a service-account key (the JSON document), as `${env:NAME}`; default the file `GOOGLE_APPLICATION_CREDENTIALS` names."),
        .optional("accessToken", .nonEmptyText, "GCS: an OAuth2 access token used as it is, instead of a service-account key."),
        .optional("account", .nonEmptyText, "Azure: the storage account; default the address's, else `AZURE_STORAGE_ACCOUNT`."),
        .optional("accountKey", .nonEmptyText, "Azure: the account key (SharedKey signing), as `${env:NAME}`; default `AZURE_STORAGE_KEY`."),
        .optional("sasToken", .nonEmptyText, "Azure: a shared access signature (its query string); default `AZURE_STORAGE_SAS_TOKEN`."),
        .optional("anonymous", .boolean, default: false, "Sends requests without credentials (public buckets, emulators)."),
        .optional("allowedHosts", .array(.nonEmptyText, minItems: 1), "The only endpoint hosts allowed; any other is refused."),
        .optional(
            "allowMetadataEndpoints", .boolean, default: false,
            "Allows an endpoint on a link-local or cloud metadata address (169.254.0.0/16, `fd00:ec2::254`, `metadata.google.internal`), refused by default."),
        .optional("timeoutSeconds", .number(0.1, 3600), default: 60, "Seconds an answer may take to start, and the longest silence while it arrives; a request with a body (an upload part) gets one more second per 256 KiB of it."),
        .optional("retries", .integer(0, 20), default: 4, "Attempts after the first for a request that failed on the network, timed out, or got 408, 429 or 5xx."),
        .optional("retryBackoffSeconds", .number(0, 60), default: 0.2, "The first wait between attempts, doubled at each (with full jitter); `Retry-After` is honoured."),
        .optional("partSizeMiB", .integer(5, 256), default: 8, "MiB per ranged read and per upload part (at most 256: an answer body is read into memory up to that size)."),
        .optional("parallelism", .integer(1, 32), default: 4, "Ranged reads or part uploads in flight per object."),
    ]

    /// The transport these settings give.
    var transport: ObjectTransport {
        ObjectTransport(timeoutSeconds: timeoutSeconds ?? 60, retries: retries ?? 4, backoffSeconds: retryBackoffSeconds ?? 0.2)
    }

    /// Bytes per ranged read and upload part.
    var partBytes: Int { (partSizeMiB ?? 8) << 20 }
    /// Reads or part uploads in flight per object.
    var inFlight: Int { parallelism ?? 4 }
}
