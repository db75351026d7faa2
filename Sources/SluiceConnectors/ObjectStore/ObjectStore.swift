import SluiceCore

/// One object as a listing or a metadata request describes it.
struct ObjectInfo: Sendable, Equatable {
    /// The object's key (blob name), without the bucket.
    var key: String
    /// The size in bytes.
    var size: Int
    /// The store's version tag of the content (S3 and Azure ETag, GCS generation), if given;
    /// a read that names it fails when the object changed since.
    var etag: String?
    /// When the object was last written, as the store writes it (ISO 8601 or HTTP date).
    var lastModified: String?
}

/// The operations Sluice needs from an object store (S3, Google Cloud Storage, Azure Blob):
/// list, stat, ranged read and atomic write. Each implementation speaks its store's REST API
/// over ``ObjectTransport`` (AsyncHTTPClient), which retries and times out requests.
///
/// Errors are ``ConnectorError/remote(_:)`` messages that name the object (`s3://bucket/key`)
/// and never hold a credential.
protocol ObjectStore: Sendable {
    /// The store's scheme and bucket, for messages and lineage: `s3://bucket`.
    var root: String { get }
    /// Every object whose key starts with `prefix`, in ascending key order, through all pages
    /// of the listing; throws when there are more than `limit`.
    func list(prefix: String, limit: Int) async throws -> [ObjectInfo]
    /// The object's size and version, or `nil` when there is no such object.
    func info(_ key: String) async throws -> ObjectInfo?
    /// The bytes `range` of the object. With `ifMatch`, fails (naming the object) when its
    /// version is no longer that one: it was replaced while being read. Fails too when the
    /// answer holds fewer or more bytes than asked for (a truncated response).
    func read(_ key: String, range: Range<Int>, ifMatch: String?) async throws -> [UInt8]
    /// Stores `bytes` as the whole object `key`, replacing any object there, in one request.
    func put(_ key: String, bytes: [UInt8]) async throws
    /// Starts an upload in parts, whose object appears only when it is completed.
    func startUpload(_ key: String) async throws -> any ObjectUpload
    /// The bytes of every part but the last of an upload.
    var partBytes: Int { get }
    /// How many parts may be uploaded at once (1 when the store takes them in order only).
    var partsInFlight: Int { get }
}

extension ObjectStore {
    /// The object's address for messages: `s3://bucket/key`.
    func url(of key: String) -> String { key.isEmpty ? root : root + "/" + key }
}

/// An upload in parts: S3's multipart upload, GCS's resumable upload, Azure's blocks. Nothing
/// is visible at the object's address until ``complete(parts:lastPart:)`` succeeds, and
/// ``abort()`` leaves no object: S3 and GCS delete the stored parts; Azure has no call to
/// delete uncommitted blocks, which stay invisible and expire on their own.
protocol ObjectUpload: Sendable {
    /// Uploads part `number` (1, 2, …; every part has ``ObjectStore/partBytes`` bytes). Parts
    /// may be sent at once when the store allows it (``ObjectStore/partsInFlight``).
    func upload(part number: Int, bytes: [UInt8]) async throws
    /// Uploads `lastPart` (which may be empty) as the part after the `parts` already uploaded,
    /// and makes the object visible with all of them, in order.
    func complete(parts: Int, lastPart: [UInt8]) async throws
    /// Abandons the upload (see above). Never throws: it is the cleanup after a failure.
    func abort() async
}
