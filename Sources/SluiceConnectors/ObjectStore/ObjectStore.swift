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

extension ObjectInfo {
    /// ``lastModified`` as an instant: ISO 8601 (S3 and GCS listings) or an HTTP date
    /// (`Mon, 07 Dec 2026 14:00:00 GMT`: S3's HEAD, Azure); nil when it is neither.
    var modified: Timestamp? {
        guard let text = lastModified else { return nil }
        return Timestamp(iso8601: text) ?? Self.httpDate(text)
    }

    /// An IMF-fixdate (RFC 9110): `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ text: String) -> Timestamp? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].firstIndex(of: String(parts[2]))
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...9999).contains(year), (1...Timestamp.daysInMonth(year: year, month: month + 1)).contains(day),
            (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month + 1, day: day)
        let seconds = Int64(days) * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
        return Timestamp(microseconds: seconds * 1_000_000)
    }
}
