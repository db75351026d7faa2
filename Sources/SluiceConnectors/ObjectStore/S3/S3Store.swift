// Written for Sluice: the package mirror has no AWS SDK (Soto is not there), so the S3 REST
// API (ListObjectsV2, HEAD, ranged GET, PUT, multipart upload) is spoken here over
// AsyncHTTPClient, with requests signed by ``S3RequestSigner`` (swift-crypto).
import NIOHTTP1
import SluiceCore

/// An S3 bucket (AWS, or an S3-compatible store at a custom endpoint: MinIO, R2, Ceph, moto).
struct S3Store: ObjectStore {
    let bucket: String
    let endpoint: ObjectEndpoint
    /// `endpoint/bucket/key` rather than `bucket.endpoint/key`.
    let pathStyle: Bool
    /// `nil` for anonymous requests.
    let signer: S3RequestSigner?
    let transport: ObjectTransport
    /// Server-side encryption headers sent with every write.
    let encryptionHeaders: [(name: String, value: String)]
    let partBytes: Int
    let partsInFlight: Int
    /// Objects per listing page (S3's maximum, 1000; smaller in tests).
    var pageSize = 1000

    var root: String { "s3://\(bucket)" }

    /// The store `config` describes, with credentials from it or else from the AWS variables
    /// of `environment`.
    init(bucket: String, config: ObjectStorageConfig, environment: [String: String]) throws(SpecError) {
        self.bucket = bucket
        let region = config.region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let custom = config.endpoint ?? environment["AWS_ENDPOINT_URL"]
        endpoint = try ObjectEndpoint(custom ?? "https://s3.\(region).amazonaws.com", config: config)
        // Virtual-hosted names cannot hold a dotted bucket under TLS (the certificate's wildcard covers one label).
        pathStyle = config.pathStyle ?? (custom != nil || bucket.contains("."))
        if config.anonymous == true {
            signer = nil
        } else {
            let key = config.accessKeyId ?? (config.secretAccessKey == nil ? environment["AWS_ACCESS_KEY_ID"] : nil)
            let secret = config.secretAccessKey ?? (config.accessKeyId == nil ? environment["AWS_SECRET_ACCESS_KEY"] : nil)
            guard let key, let secret, !key.isEmpty, !secret.isEmpty else {
                throw SpecError(
                    path: "storage",
                    "S3 needs credentials: set storage.accessKeyId and storage.secretAccessKey (as ${env:NAME}), or AWS_ACCESS_KEY_ID and "
                        + "AWS_SECRET_ACCESS_KEY in the server's environment, or storage.anonymous for a public bucket")
            }
            let token = config.sessionToken ?? (config.accessKeyId == nil ? environment["AWS_SESSION_TOKEN"] : nil)
            signer = S3RequestSigner(credentials: .init(accessKeyID: key, secretAccessKey: secret, sessionToken: token), region: region)
        }
        if config.kmsKeyId != nil, config.serverSideEncryption != "aws:kms" {
            throw SpecError(path: "storage.kmsKeyId", "applies with serverSideEncryption \"aws:kms\" only")
        }
        var encryption: [(name: String, value: String)] = []
        if let sse = config.serverSideEncryption { encryption.append(("x-amz-server-side-encryption", sse)) }
        if let kms = config.kmsKeyId { encryption.append(("x-amz-server-side-encryption-aws-kms-key-id", kms)) }
        encryptionHeaders = encryption
        transport = config.transport
        partBytes = config.partBytes
        partsInFlight = config.inFlight
    }

    // MARK: - Requests

    /// A signed request for `key` (empty: the bucket) with `query`, `headers` and `body`.
    func request(
        _ method: HTTPMethod, key: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil
    ) -> ObjectRequest {
        let encodedKey = S3RequestSigner.encodedPath(key)
        let host: String
        let path: String
        if pathStyle {
            host = endpoint.hostHeader
            path = endpoint.basePath + "/" + bucket + (key.isEmpty ? "" : "/" + encodedKey)
        } else {
            host = bucket + "." + endpoint.hostHeader
            path = endpoint.basePath + "/" + encodedKey
        }
        let queryText = query.map { S3RequestSigner.encoded($0.name, keepingSlash: false) + "=" + S3RequestSigner.encoded($0.value, keepingSlash: false) }
            .joined(separator: "&")
        var all = headers
        all.append(("host", host))
        if let signer {
            let signed = S3RequestSigner.Request(
                method: method.rawValue, host: host, path: path, query: query, headers: headers,
                payloadHash: S3RequestSigner.payloadHash(body ?? []))
            all += signer.authorizationHeaders(for: signed, at: .now())
        }
        let url = endpoint.scheme + "://" + host + path + (queryText.isEmpty ? "" : "?" + queryText)
        return ObjectRequest(method: method, url: url, headers: all, body: body)
    }

    /// Sends `make`'s request, retried by the transport; `what` names the operation and object.
    func send(_ what: String, _ make: @escaping @Sendable () -> ObjectRequest) async throws -> ObjectResponse {
        try await transport.send(what) { make() }
    }

    /// A failure answer as a message: the operation and object, the status, and S3's error
    /// code and message when the body holds them.
    func failure(_ what: String, _ response: ObjectResponse) -> ConnectorError {
        let xml = ObjectXML(response.body)
        var message = "\(what): HTTP \(response.status)"
        if let code = xml.value("Code") {
            message += " \(code)"
            if let text = xml.value("Message"), !text.isEmpty { message += ": \(text)" }
        }
        switch xml.value("Code") ?? "" {
        case "NoSuchBucket": message += " (the bucket '\(bucket)' does not exist)"
        case "InvalidAccessKeyId", "SignatureDoesNotMatch": message += " (check the access key and secret)"
        default: if response.status == 403 { message += " (access denied: check the credentials and the bucket's policy)" }
        }
        return ConnectorError.remote(message)
    }

    // MARK: - ObjectStore

    func list(prefix: String, limit: Int) async throws -> [ObjectInfo] {
        var found: [ObjectInfo] = []
        var token: String?
        let what = "listing \(url(of: prefix))"
        repeat {
            var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(pageSize))]
            if let token { query.append(("continuation-token", token)) }
            let pageQuery = query
            let response = try await send(what) { request(.GET, key: "", query: pageQuery) }
            guard response.status == 200 else { throw failure(what, response) }
            let xml = ObjectXML(response.body)
            for item in xml.elements("Contents") {
                guard let key = item.value("Key"), let sizeText = item.value("Size"), let size = Int(sizeText), size >= 0 else {
                    throw ConnectorError.remote("\(what): the listing holds an entry without a key or size")
                }
                guard found.count < limit else {
                    throw ConnectorError.remote("\(what) finds more than \(limit) objects; narrow the prefix or pattern")
                }
                found.append(ObjectInfo(key: key, size: size, etag: item.value("ETag"), lastModified: item.value("LastModified")))
            }
            let truncated = xml.value("IsTruncated") == "true"
            token = truncated ? xml.value("NextContinuationToken") : nil
            if truncated, token == nil { throw ConnectorError.remote("\(what): a truncated listing page without a continuation token") }
        } while token != nil
        // S3 lists in UTF-8 byte order already; compatible stores are not all so careful.
        return found.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    func info(_ key: String) async throws -> ObjectInfo? {
        let what = "reading \(url(of: key))"
        let response = try await send(what) { request(.HEAD, key: key) }
        if response.status == 404 { return nil }
        guard response.status == 200 else {
            // A HEAD answer has no body, so no error code (InvalidAccessKeyId, AccessDenied, …):
            // for a refusal, a one-byte GET gets the error document that says which.
            guard (400..<500).contains(response.status) else { throw failure(what, response) }
            let detail = try await send(what) { request(.GET, key: key, headers: [("range", "bytes=0-0")]) }
            if detail.status == response.status, ObjectXML(detail.body).value("Code") != nil { throw failure(what, detail) }
            throw failure(what, response)
        }
        guard let text = response.headers.first(name: "Content-Length"), let size = Int(text), size >= 0 else {
            throw ConnectorError.remote("\(what): the answer has no size")
        }
        return ObjectInfo(
            key: key, size: size, etag: response.headers.first(name: "ETag"), lastModified: response.headers.first(name: "Last-Modified"))
    }

    func read(_ key: String, range: Range<Int>, ifMatch: String?) async throws -> [UInt8] {
        guard !range.isEmpty else { return [] }
        let what = "reading \(url(of: key)) (bytes \(range.lowerBound)-\(range.upperBound - 1))"
        var headers: [(name: String, value: String)] = [("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")]
        if let ifMatch { headers.append(("if-match", ifMatch)) }
        let sent = headers
        let response = try await send(what) { request(.GET, key: key, headers: sent) }
        switch response.status {
        case 200, 206:
            guard response.body.count == range.count else {
                throw ConnectorError.remote("\(what): got \(response.body.count) bytes instead of \(range.count)")
            }
            return response.body
        case 404 where ObjectXML(response.body).value("Code") != "NoSuchBucket":
            throw ConnectorError.remote("\(what): the object no longer exists (deleted while being read?)")
        case 412:
            throw ConnectorError.remote("\(what): the object was replaced while being read (its ETag is no longer \(ifMatch ?? "?"))")
        default:
            throw failure(what, response)
        }
    }

    func put(_ key: String, bytes: [UInt8]) async throws {
        let what = "writing \(url(of: key))"
        let headers = encryptionHeaders + [("content-length", String(bytes.count))]
        let response = try await send(what) { request(.PUT, key: key, headers: headers, body: bytes) }
        guard response.status == 200 else { throw failure(what, response) }
    }

    func startUpload(_ key: String) async throws -> any ObjectUpload {
        let what = "starting the upload of \(url(of: key))"
        let headers = encryptionHeaders
        let response = try await send(what) { request(.POST, key: key, query: [("uploads", "")], headers: headers) }
        guard response.status == 200 else { throw failure(what, response) }
        guard let id = ObjectXML(response.body).value("UploadId"), !id.isEmpty else {
            throw ConnectorError.remote("\(what): the answer names no upload id")
        }
        return S3MultipartUpload(store: self, key: key, uploadID: id)
    }
}
