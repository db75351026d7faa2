// Written for Sluice: the package mirror has no Google Cloud SDK, so Google Cloud Storage is
// spoken to over its JSON API (objects list, get, media download, media and resumable
// uploads) with AsyncHTTPClient, through the shared ObjectTransport, and signed in with
// swift-crypto (see GCSServiceAccountToken.swift).
import Foundation
import NIOHTTP1
import SluiceCore
import Synchronization

/// Google Cloud Storage as an ``ObjectStore``: one bucket, over the JSON API.
///
/// Credentials, in this order: `storage.anonymous: true` sends none (emulators, public
/// buckets); `storage.accessToken` is a bearer token used as it is; `storage.serviceAccountKey`
/// (the key document itself) or the file `GOOGLE_APPLICATION_CREDENTIALS` names is a
/// service-account key whose tokens ``GCSAccessTokenSource`` gets and refreshes.
///
/// Uploads in parts are resumable uploads: the parts go in order, one at a time, each a
/// multiple of 256 KiB, and the object appears when the last one arrives.
struct GCSStore: ObjectStore, CustomStringConvertible, CustomDebugStringConvertible {
    /// How a request signs in.
    enum Authorization: Sendable, CustomStringConvertible {
        /// No `Authorization` header.
        case anonymous
        /// A bearer token given in the settings.
        case token(String)
        /// Tokens of a service-account key.
        case serviceAccount(GCSAccessTokenSource)

        /// The `Authorization` header's value, or nil when anonymous.
        func headerValue() async throws -> String? {
            switch self {
            case .anonymous: return nil
            case .token(let token): return "Bearer " + token
            case .serviceAccount(let source): return "Bearer " + (try await source.token())
            }
        }

        var description: String {
            switch self {
            case .anonymous: return "anonymous"
            case .token: return "access token (redacted)"
            case .serviceAccount(let source): return source.key.description
            }
        }
    }

    /// Google's endpoint, used when the settings name none.
    static let defaultEndpoint = "https://storage.googleapis.com"
    /// Every chunk of a resumable upload but the last is a multiple of this many bytes.
    static let chunkGranularity = 256 << 10

    let bucket: String
    let endpoint: ObjectEndpoint
    let transport: ObjectTransport
    let authorization: Authorization
    /// Bytes per upload part: the settings' part size rounded down to a multiple of 256 KiB
    /// (at least 256 KiB). Settable so that tests can upload several small parts.
    var partBytes: Int
    /// Objects asked for per listing page (`maxResults`); nil leaves the store's default
    /// (1,000). Settable so that tests can list across several pages.
    var pageSize: Int?

    /// A resumable upload takes its chunks in order only.
    var partsInFlight: Int { 1 }
    var root: String { "gs://\(bucket)" }
    var description: String { "Google Cloud Storage \(root) at \(endpoint.origin) (\(authorization))" }
    var debugDescription: String { description }

    /// A store for `bucket` with the `storage` settings `config`; `environment` holds the
    /// server's cloud variables (``CloudEnvironment``), of which `GOOGLE_APPLICATION_CREDENTIALS`
    /// is read here (the key file is read now, once).
    init(bucket: String, config: ObjectStorageConfig, environment: [String: String]) throws(SpecError) {
        guard !bucket.isEmpty else { throw SpecError(path: "path", "the gs:// address names no bucket") }
        self.bucket = bucket
        self.endpoint = try ObjectEndpoint(config.endpoint ?? Self.defaultEndpoint, config: config)
        self.transport = config.transport
        self.partBytes = max(Self.chunkGranularity, config.partBytes / Self.chunkGranularity * Self.chunkGranularity)
        self.authorization = try Self.authorization(config: config, environment: environment)
    }

    /// The credentials the settings and environment give (see the type's description).
    private static func authorization(config: ObjectStorageConfig, environment: [String: String]) throws(SpecError) -> Authorization {
        let token = config.accessToken.flatMap { $0.isEmpty ? nil : $0 }
        let keyText = config.serviceAccountKey.flatMap { $0.isEmpty ? nil : $0 }
        if config.anonymous == true {
            guard token == nil, keyText == nil else {
                throw SpecError(path: "storage", "storage.anonymous is true but credentials are given too; remove one or the other")
            }
            return .anonymous
        }
        if token != nil, keyText != nil {
            throw SpecError(path: "storage", "give storage.accessToken or storage.serviceAccountKey, not both")
        }
        if let token { return .token(token) }
        if let keyText {
            let key = try GCSServiceAccountKey(json: keyText, source: "storage.serviceAccountKey", path: "storage.serviceAccountKey")
            return .serviceAccount(try GCSAccessTokenSource(key: key, config: config))
        }
        if let file = environment["GOOGLE_APPLICATION_CREDENTIALS"], !file.isEmpty {
            let source = "the file GOOGLE_APPLICATION_CREDENTIALS names (\(file))"
            guard let data = FileManager.default.contents(atPath: file) else {
                throw SpecError(path: "storage", "cannot read \(source)")
            }
            let key = try GCSServiceAccountKey(json: String(decoding: data, as: UTF8.self), source: source, path: "storage")
            return .serviceAccount(try GCSAccessTokenSource(key: key, config: config))
        }
        throw SpecError(
            path: "storage",
            "no Google Cloud credentials: set storage.serviceAccountKey (a service-account key, as ${env:NAME}), storage.accessToken, "
                + "or the server's GOOGLE_APPLICATION_CREDENTIALS; or storage.anonymous: true for a public bucket or an emulator")
    }

    // MARK: - Listing and metadata

    /// An object resource, as far as it is read.
    private struct Object: Decodable {
        var name: String?
        var size: String?
        var generation: String?
        var updated: String?
    }

    /// One page of an objects listing.
    private struct ObjectList: Decodable {
        var items: [Object]?
        var nextPageToken: String?
    }

    /// The fields a listing asks for.
    private static let listFields = "items(name,size,generation,updated),nextPageToken"

    /// Every object below `prefix`: `objects.list` page after page (`nextPageToken`), sorted by
    /// the keys' UTF-8 bytes; throws, naming the bucket, past `limit` objects.
    func list(prefix: String, limit: Int) async throws -> [ObjectInfo] {
        var found: [ObjectInfo] = []
        var pageToken: String?
        var seenTokens: Set<String> = []
        let what = "listing \(url(of: prefix))"
        repeat {
            var query = [("prefix", prefix), ("fields", Self.listFields)]
            if let pageSize { query.append(("maxResults", String(pageSize))) }
            if let pageToken { query.append(("pageToken", pageToken)) }
            let response = try await send(what, .GET, objectsURL + "?" + Self.query(query))
            guard response.status == 200 else {
                throw response.status == 404 ? missingBucket(what, response) : Self.failure(what, response)
            }
            let page = try Self.decode(ObjectList.self, response, what)
            for item in page.items ?? [] {
                guard let name = item.name else { throw ConnectorError.remote("\(what): an object in the listing has no name") }
                found.append(try Self.info(item, key: name, what: what))
                if found.count > limit {
                    let below = prefix.isEmpty ? "" : " below '\(prefix)'"
                    throw ConnectorError.remote("\(what): there are more than \(limit) objects\(below) in the bucket '\(bucket)'; narrow the path")
                }
            }
            pageToken = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
            if let pageToken, !seenTokens.insert(pageToken).inserted {
                throw ConnectorError.remote("\(what): the store returned the same page token twice")
            }
        } while pageToken != nil
        found.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return found
    }

    /// The object's metadata (`objects.get`): size, generation as the version tag, update time;
    /// nil on 404.
    func info(_ key: String) async throws -> ObjectInfo? {
        let what = "reading the metadata of \(url(of: key))"
        let response = try await send(what, .GET, objectURL(key) + "?" + Self.query([("fields", "name,size,generation,updated")]))
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw Self.failure(what, response) }
        return try Self.info(try Self.decode(Object.self, response, what), key: key, what: what)
    }

    /// An ``ObjectInfo`` from an object resource: the size is a decimal string in the JSON, the
    /// generation is the version tag.
    private static func info(_ object: Object, key: String, what: String) throws -> ObjectInfo {
        guard let text = object.size, let size = Int(text), size >= 0 else {
            throw ConnectorError.remote("\(what): the object '\(key)' has no readable size (\(object.size ?? "none"))")
        }
        return ObjectInfo(key: key, size: size, etag: object.generation, lastModified: object.updated)
    }

    // MARK: - Reading

    /// The bytes `range` of the object, by a ranged media download. With `ifMatch` (a
    /// generation), GCS checks it (`ifGenerationMatch`, 412 when replaced) and so does this
    /// (the `x-goog-generation` of the answer); the answer must hold exactly the range.
    func read(_ key: String, range: Range<Int>, ifMatch: String?) async throws -> [UInt8] {
        let what = "reading \(url(of: key))"
        guard range.lowerBound >= 0 else { throw ConnectorError.remote("\(what): a negative offset \(range.lowerBound)") }
        if range.isEmpty { return [] }
        let asked = "bytes \(range.lowerBound)-\(range.upperBound - 1)"
        var query = [("alt", "media")]
        if let ifMatch { query.append(("ifGenerationMatch", ifMatch)) }
        // Accept-Encoding: gzip makes GCS send the bytes as stored even for objects stored with
        // Content-Encoding: gzip (which it would otherwise decompress, ignoring the range), so
        // ranges and sizes agree with the listing. The transport never decompresses.
        let response = try await send(
            what, .GET, mediaURL(key) + "?" + Self.query(query),
            headers: [("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)"), ("Accept-Encoding", "gzip")])
        switch response.status {
        case 200, 206: break
        case 404: throw ConnectorError.remote("\(what): the object no longer exists (HTTP 404: \(Self.serverMessage(response)))")
        case 412: throw changed(what, ifMatch)
        case 416: throw ConnectorError.remote("\(what): \(asked) lie past the object's end (HTTP 416)")
        default: throw Self.failure(what, response)
        }
        // The generation sent must be the one asked for, whether or not the store checked the
        // condition itself.
        if let ifMatch, let generation = response.headers.first(name: "x-goog-generation"), generation != ifMatch {
            throw changed(what, ifMatch)
        }
        if response.status == 206, let contentRange = response.headers.first(name: "Content-Range") {
            let expected = "bytes \(range.lowerBound)-"
            guard contentRange.hasPrefix(expected) else {
                throw ConnectorError.remote("\(what): asked for \(asked), the store sent '\(contentRange)'")
            }
        } else if response.status == 200, range.lowerBound != 0 {
            throw ConnectorError.remote("\(what): the store ignored the range \(asked) and sent the whole object")
        }
        guard response.body.count == range.count else {
            throw ConnectorError.remote("\(what): asked for \(asked) (\(range.count) bytes), the answer held \(response.body.count)")
        }
        return response.body
    }

    /// The error of a read whose object was replaced since its generation was taken.
    private func changed(_ what: String, _ generation: String?) -> ConnectorError {
        .remote("\(what): the object changed while being read (it is no longer generation \(generation ?? "?")); run again to read the new version")
    }

    // MARK: - Writing

    /// Stores `bytes` as the object `key` with a media upload (one request).
    func put(_ key: String, bytes: [UInt8]) async throws {
        let what = "writing \(url(of: key))"
        let response = try await send(
            what, .POST, uploadURL(type: "media", key: key), headers: [("Content-Type", "application/octet-stream")], body: bytes)
        guard response.status == 200 || response.status == 201 else {
            throw response.status == 404 ? missingBucket(what, response) : Self.failure(what, response)
        }
    }

    /// Opens a resumable upload session for `key`. The session address GCS gives must be on the
    /// configured endpoint: the parts and the credentials go there.
    func startUpload(_ key: String) async throws -> any ObjectUpload {
        let what = "writing \(url(of: key))"
        let response = try await send(
            what, .POST, uploadURL(type: "resumable", key: key), headers: [("X-Upload-Content-Type", "application/octet-stream")])
        guard response.status == 200 || response.status == 201 else {
            throw response.status == 404 ? missingBucket(what, response) : Self.failure(what, response)
        }
        guard let location = response.headers.first(name: "Location"), !location.isEmpty else {
            throw ConnectorError.remote("\(what): the store started a resumable upload but gave no session address (Location)")
        }
        guard isOnEndpoint(location) else {
            // The session address is not shown: it is a credential for the upload.
            throw ConnectorError.remote(
                "\(what): the store's resumable upload session is not on \(endpoint.origin) and is refused, so that the data and the "
                    + "credentials go to the configured endpoint only")
        }
        return GCSResumableUpload(store: self, key: key, sessionURI: location)
    }

    /// Whether `url` has the endpoint's scheme, host and port (a default port counting as
    /// named). Credentials in it (`user@host`) are refused.
    func isOnEndpoint(_ url: String) -> Bool {
        guard let schemeEnd = url.range(of: "://") else { return false }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let origin = String(url[..<authorityEnd])
        guard let other = try? ObjectEndpoint(origin, config: ObjectStorageConfig()) else { return false }
        func port(_ endpoint: ObjectEndpoint) -> Int { endpoint.port ?? (endpoint.scheme == "https" ? 443 : 80) }
        return other.scheme == endpoint.scheme && other.host == endpoint.host && port(other) == port(endpoint)
    }

    // MARK: - Requests

    /// The endpoint's URL with its base path: `https://storage.googleapis.com`.
    private var base: String { endpoint.origin + endpoint.basePath }
    /// The bucket's objects collection.
    private var objectsURL: String { base + "/storage/v1/b/" + Self.encoded(bucket) + "/o" }
    /// An object's metadata.
    private func objectURL(_ key: String) -> String { objectsURL + "/" + Self.encoded(key) }
    /// An object's content (what GCS gives as an object's `mediaLink`), without the query.
    private func mediaURL(_ key: String) -> String { base + "/download/storage/v1/b/" + Self.encoded(bucket) + "/o/" + Self.encoded(key) }
    /// A media or resumable upload of `key`.
    private func uploadURL(type: String, key: String) -> String {
        base + "/upload/storage/v1/b/" + Self.encoded(bucket) + "/o?" + Self.query([("uploadType", type), ("name", key)])
    }

    /// Sends one request through the transport, with the `Authorization` header (a service
    /// account's token is taken at each attempt, so a retry after a refresh uses the new one).
    func send(
        _ what: String, _ method: HTTPMethod, _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) async throws -> ObjectResponse {
        let authorization = authorization
        return try await transport.send(what) {
            var all = headers
            if let value = try await authorization.headerValue() { all.append((name: "Authorization", value: value)) }
            return ObjectRequest(method: method, url: url, headers: all, body: body)
        }
    }

    /// `text` percent-encoded for a path segment or a query value: every byte but the
    /// unreserved ones (`A-Z a-z 0-9 - . _ ~`), so `/`, space, `+`, `?`, `%` and non-ASCII
    /// letters (as UTF-8) all become `%XX`.
    static func encoded(_ text: String) -> String { PercentEncoding.encoded(text) }

    /// A query string of `pairs`, names and values percent-encoded.
    static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { encoded($0.0) + "=" + encoded($0.1) }.joined(separator: "&")
    }

    /// `body` decoded as `type`, or an error saying the answer was not what GCS sends.
    private static func decode<T: Decodable>(_ type: T.Type, _ response: ObjectResponse, _ what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw ConnectorError.remote("\(what): the answer is not the JSON Google Cloud Storage sends: \(response.bodyText.prefix(200))")
        }
    }

    /// A JSON API error answer: `{"error": {"code": 403, "message": "…"}}`.
    private struct ErrorAnswer: Decodable {
        struct Detail: Decodable {
            var code: Int?
            var message: String?
        }
        var error: Detail?
    }

    /// The message of an error answer: the JSON error's `message`, else the body's start, else
    /// the status's reason phrase.
    static func serverMessage(_ response: ObjectResponse) -> String {
        if let answer = try? JSONDecoder().decode(ErrorAnswer.self, from: Data(response.body)), let message = answer.error?.message,
            !message.isEmpty
        {
            return message
        }
        let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty { return String(text.prefix(300)) }
        return HTTPResponseStatus(statusCode: response.status).reasonPhrase
    }

    /// `what: HTTP status: message`.
    static func failure(_ what: String, _ response: ObjectResponse) -> ConnectorError {
        .remote("\(what): HTTP \(response.status): \(serverMessage(response))")
    }

    /// A 404 where the bucket itself is what is missing (a listing, an upload).
    private func missingBucket(_ what: String, _ response: ObjectResponse) -> ConnectorError {
        .remote("\(what): HTTP 404: \(Self.serverMessage(response)) (the bucket '\(bucket)' does not exist, or these credentials cannot see it)")
    }
}

/// A GCS resumable upload: the session the store opened, to which the parts go in order as
/// chunks (`Content-Range: bytes a-b/*`), the last one with the total size, which makes the
/// object. An actor: its offset and part count change with each part.
///
/// A chunk whose request failed is not sent again blindly: the retry asks the session how much
/// it has (`Content-Range: bytes */*`) and the rest is sent from there, as Google's
/// resumable-upload guide says.
actor GCSResumableUpload: ObjectUpload {
    let store: GCSStore
    let key: String
    /// The session address (a credential for this upload: never shown).
    private let sessionURI: String
    /// The next part expected.
    private var nextPart = 1
    /// Bytes the session holds.
    private var offset = 0
    /// Whether a part is being sent (parts go one at a time).
    private var busy = false
    /// Whether the upload was completed or aborted.
    private var finished = false

    init(store: GCSStore, key: String, sessionURI: String) {
        self.store = store
        self.key = key
        self.sessionURI = sessionURI
    }

    private var what: String { "writing \(store.url(of: key))" }

    /// Sends part `number` (the next one due; a multiple of 256 KiB) as the next chunk.
    func upload(part number: Int, bytes: [UInt8]) async throws {
        try begin()
        defer { busy = false }
        guard number == nextPart else {
            throw ConnectorError.remote("\(what): part \(number) came where part \(nextPart) was due (GCS takes parts in order)")
        }
        guard !bytes.isEmpty, bytes.count % GCSStore.chunkGranularity == 0 else {
            throw ConnectorError.remote("\(what): part \(number) has \(bytes.count) bytes, not a multiple of 256 KiB")
        }
        try await sendChunk(bytes, total: nil)
        nextPart += 1
    }

    /// Sends `lastPart` (maybe empty) as the final chunk, with the total size, which makes the
    /// object.
    func complete(parts: Int, lastPart: [UInt8]) async throws {
        try begin()
        defer { busy = false }
        guard parts == nextPart - 1 else {
            throw ConnectorError.remote("\(what): completing after \(parts) parts, but \(nextPart - 1) were uploaded")
        }
        try await sendChunk(lastPart, total: offset + lastPart.count)
        finished = true
    }

    /// Cancels the session (DELETE); errors are ignored.
    func abort() async {
        guard !finished else { return }
        finished = true
        let authorization = store.authorization
        let url = sessionURI
        // GCS answers 499 to a cancelled session; whatever the answer, nothing is left to do.
        _ = try? await store.transport.send(what) {
            var headers: [(name: String, value: String)] = [(name: "Content-Length", value: "0")]
            if let value = try await authorization.headerValue() { headers.append((name: "Authorization", value: value)) }
            return ObjectRequest(method: .DELETE, url: url, headers: headers)
        }
    }

    /// Checks that the upload can take another request, and marks it busy.
    private func begin() throws {
        guard !finished else { throw ConnectorError.remote("\(what): the upload was already completed or aborted") }
        guard !busy else { throw ConnectorError.remote("\(what): parts of a GCS upload must be sent one at a time") }
        busy = true
    }

    /// Sends `bytes` as the session's bytes from ``offset`` on; `total` is the object's size
    /// when this is the last chunk. Returns when the session holds them all (or, for the last
    /// chunk, when the object exists); advances ``offset``.
    private func sendChunk(_ bytes: [UInt8], total: Int?) async throws {
        let start = offset
        let end = start + bytes.count
        let totalText = total.map(String.init) ?? "*"
        var persisted = start
        var stalls = 0
        while true {
            let from = persisted
            let attempts = AttemptCounter()
            let authorization = store.authorization
            let url = sessionURI
            let response = try await store.transport.send(what) {
                var headers: [(name: String, value: String)] = []
                if let value = try await authorization.headerValue() { headers.append((name: "Authorization", value: value)) }
                // A retry asks how much the session holds instead of resending blindly.
                if attempts.next() == 0, from < end {
                    headers.append((name: "Content-Range", value: "bytes \(from)-\(end - 1)/\(totalText)"))
                    headers.append((name: "Content-Type", value: "application/octet-stream"))
                    let body = from == start ? bytes : Array(bytes[(from - start)...])
                    return ObjectRequest(method: .PUT, url: url, headers: headers, body: body)
                }
                headers.append((name: "Content-Range", value: "bytes */\(totalText)"))
                return ObjectRequest(method: .PUT, url: url, headers: headers, body: nil)
            }
            switch response.status {
            case 200, 201:
                guard total != nil else {
                    throw ConnectorError.remote("\(what): the store ended the upload before its last part (HTTP \(response.status))")
                }
                offset = end
                return
            case 308:
                let held = try heldBytes(response)
                guard held >= start, held <= end else {
                    throw ConnectorError.remote("\(what): the upload session holds \(held) bytes, expected \(start) to \(end)")
                }
                if total == nil, held == end {
                    offset = end
                    return
                }
                // The rest goes next; three answers in a row without progress end the upload.
                if held > persisted {
                    stalls = 0
                } else {
                    stalls += 1
                    guard stalls < 3 else { throw ConnectorError.remote("\(what): the upload session took no more bytes after \(held)") }
                }
                persisted = held
            case 404, 410:
                throw ConnectorError.remote("\(what): the upload session expired or was cancelled (HTTP \(response.status)); run again")
            default:
                throw GCSStore.failure(what, response)
            }
        }
    }

    /// How many bytes a 308 answer says the session holds: its `Range: bytes=0-N` (N + 1),
    /// or 0 when it has none.
    private func heldBytes(_ response: ObjectResponse) throws -> Int {
        guard let range = response.headers.first(name: "Range") else { return 0 }
        guard range.hasPrefix("bytes=0-"), let last = Int(range.dropFirst("bytes=0-".count)), last >= 0, last < Int.max else {
            throw ConnectorError.remote("\(what): the upload session answered an unreadable Range '\(range)'")
        }
        return last + 1
    }
}

/// Counts the attempts of one request across the transport's retries (its closure is
/// `@Sendable`, so the count lives behind a lock).
private final class AttemptCounter: Sendable {
    private let count = Mutex(0)

    /// The number of this attempt (0 for the first).
    func next() -> Int {
        count.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
