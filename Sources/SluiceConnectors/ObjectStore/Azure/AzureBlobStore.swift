// Written for Sluice: the package mirror has no Azure SDK, so Azure Blob Storage is spoken to
// here through its REST API over AsyncHTTPClient (via ObjectTransport), with SharedKey
// signatures computed with swift-crypto (AzureSharedKeySigner).
import Crypto
import Foundation
import NIOHTTP1
import SluiceCore

/// A container of Azure Blob Storage as an ``ObjectStore``: block blobs listed (List Blobs),
/// stat'ed (Get Blob Properties), read by range (Get Blob with `x-ms-range`), written whole
/// (Put Blob) or in blocks (Put Block, then Put Block List).
///
/// Requests are signed with the account key (SharedKey), carry a shared access signature in
/// their query instead, or go without credentials (`anonymous`, for public containers). The
/// default endpoint is `https://{account}.blob.core.windows.net`; a custom `storage.endpoint`
/// is taken as path-style, like Azurite's: `http://127.0.0.1:10000/{account}` is the base and
/// the container and blob follow it.
struct AzureBlobStore: ObjectStore {
    /// How requests prove who sends them.
    enum Authorization: Sendable {
        /// `Authorization: SharedKey …`, signed with the account key.
        case sharedKey(AzureSharedKeySigner)
        /// A shared access signature, appended to every request's query (without `?`).
        case sas(String)
        /// No credentials (a public container, an emulator).
        case anonymous
    }

    /// The REST API version requests ask for (`x-ms-version`).
    static let apiVersion = "2021-08-06"
    /// The most blocks a block blob can have.
    static let maxBlocks = 50_000

    let container: String
    /// The storage account, when known (always with SharedKey and with the default endpoint).
    let account: String?
    let endpoint: ObjectEndpoint
    let authorization: Authorization
    let transport: ObjectTransport
    let partBytes: Int
    let partsInFlight: Int
    /// `maxresults` of each List Blobs page; nil leaves the service's default (5,000). Tests
    /// set it small to cross pages.
    var listPageSize: Int?

    var root: String { "az://\(container)" }

    /// The store for `container`. The account comes from `config.account`, else the address
    /// (`account`, from an `abfss://` or `https://` path), else `AZURE_STORAGE_ACCOUNT` in
    /// `environment`. Credentials: with `config.anonymous` none; else `config.accountKey` or
    /// `config.sasToken` (not both); else `AZURE_STORAGE_KEY`, else `AZURE_STORAGE_SAS_TOKEN`.
    /// Throws a ``SpecError`` at `storage` saying what to set when something is missing, and
    /// when the account key is not base64 (never showing it).
    init(container: String, account: String?, config: ObjectStorageConfig, environment: [String: String]) throws(SpecError) {
        func setting(_ value: String?) -> String? {
            guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return value
        }
        let account = setting(config.account) ?? setting(account) ?? setting(environment["AZURE_STORAGE_ACCOUNT"])
        let authorization: Authorization
        if config.anonymous == true {
            authorization = .anonymous
        } else {
            let configKey = setting(config.accountKey)
            let configSAS = setting(config.sasToken)
            if configKey != nil, configSAS != nil {
                throw SpecError(path: "storage", "set only one of storage.accountKey and storage.sasToken")
            }
            let key = configKey ?? (configSAS == nil ? setting(environment["AZURE_STORAGE_KEY"]) : nil)
            let sas = configSAS ?? (key == nil ? setting(environment["AZURE_STORAGE_SAS_TOKEN"]) : nil)
            if let key {
                guard let account else {
                    throw SpecError(
                        path: "storage",
                        "signing with an account key needs the storage account: set storage.account or AZURE_STORAGE_ACCOUNT, "
                            + "or use an address that names it (https://ACCOUNT.blob.core.windows.net/container/…)")
                }
                guard let credentials = AzureSharedKeySigner.Credentials(account: account, base64Key: key) else {
                    throw SpecError(
                        path: "storage",
                        "the Azure account key (storage.accountKey or AZURE_STORAGE_KEY) is not base64; it should be the key as the portal shows it")
                }
                authorization = .sharedKey(AzureSharedKeySigner(credentials: credentials))
            } else if let sas {
                let token = sas.hasPrefix("?") ? String(sas.dropFirst()) : sas
                guard !token.isEmpty, !token.contains(" "), !token.contains("#") else {
                    throw SpecError(path: "storage", "the Azure SAS token (storage.sasToken or AZURE_STORAGE_SAS_TOKEN) is not a query string")
                }
                authorization = .sas(token)
            } else {
                throw SpecError(
                    path: "storage",
                    "no Azure credentials: set storage.accountKey (or AZURE_STORAGE_KEY) with the account, storage.sasToken "
                        + "(or AZURE_STORAGE_SAS_TOKEN), or storage.anonymous: true for a public container")
            }
        }
        let endpointURL: String
        if let custom = setting(config.endpoint) {
            endpointURL = custom
        } else {
            guard let account else {
                throw SpecError(
                    path: "storage",
                    "the storage account is not known: set storage.account or AZURE_STORAGE_ACCOUNT, "
                        + "or use an address that names it (https://ACCOUNT.blob.core.windows.net/container/…)")
            }
            guard account.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }) else {
                throw SpecError(path: "storage", "'\(account)' is not a storage account name (lower-case letters and digits)")
            }
            endpointURL = "https://\(account).blob.core.windows.net"
        }
        self.endpoint = try ObjectEndpoint(endpointURL, config: config)
        self.container = container
        self.account = account
        self.authorization = authorization
        self.transport = config.transport
        self.partBytes = config.partBytes
        self.partsInFlight = config.inFlight
    }

    // MARK: Operations

    /// List Blobs through every page (`NextMarker`), with the service's version of each blob
    /// quoted as its `ETag` header is; in UTF-8 byte order, as S3 and GCS list.
    func list(prefix: String, limit: Int) async throws -> [ObjectInfo] {
        var found: [ObjectInfo] = []
        var marker: String?
        repeat {
            var query: [(name: String, value: String)] = [("restype", "container"), ("comp", "list")]
            if !prefix.isEmpty { query.append(("prefix", prefix)) }
            if let marker { query.append(("marker", marker)) }
            if let listPageSize { query.append(("maxresults", String(listPageSize))) }
            let what = "listing \(url(of: prefix))"
            let response = try await send(what, .GET, blob: nil, query: query)
            guard response.status == 200 else { throw failure(what, response) }
            let page: AzureListingPage
            do {
                page = try AzureListingPage(xml: response.body)
            } catch {
                throw ConnectorError.remote("\(what): could not read the answer: \(error.description)")
            }
            found += page.blobs
            if found.count > limit {
                throw ConnectorError.remote("\(url(of: prefix)) holds more than \(limit) objects; narrow the path or raise the limit")
            }
            if let next = page.nextMarker, next == marker {
                throw ConnectorError.remote("\(what): the service sent the same page marker twice")
            }
            marker = page.nextMarker
        } while marker != nil
        return found.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// Get Blob Properties (HEAD): nil when the blob does not exist; a missing container is an
    /// error.
    func info(_ key: String) async throws -> ObjectInfo? {
        let what = "reading the properties of \(url(of: key))"
        let response = try await send(what, .HEAD, blob: key)
        switch response.status {
        case 200:
            guard let text = response.headers.first(name: "Content-Length"), let size = Int(text), size >= 0 else {
                throw ConnectorError.remote("\(what): the answer has no valid Content-Length")
            }
            return ObjectInfo(
                key: key, size: size, etag: response.headers.first(name: "ETag"), lastModified: response.headers.first(name: "Last-Modified"))
        case 404 where response.headers.first(name: "x-ms-error-code") != "ContainerNotFound":
            return nil
        default:
            throw failure(what, response)
        }
    }

    /// Get Blob with `x-ms-range: bytes=first-last` (and `If-Match`); an empty range asks
    /// nothing of the service.
    func read(_ key: String, range: Range<Int>, ifMatch: String?) async throws -> [UInt8] {
        guard !range.isEmpty else { return [] }
        let what = "reading \(url(of: key))"
        var headers: [(name: String, value: String)] = [("x-ms-range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")]
        if let ifMatch { headers.append(("If-Match", ifMatch)) }
        let response = try await send(what, .GET, blob: key, headers: headers)
        switch response.status {
        case 200, 206:
            guard response.body.count == range.count else {
                throw ConnectorError.remote(
                    "\(what): asked for bytes \(range.lowerBound)-\(range.upperBound - 1) (\(range.count) bytes) but the answer held \(response.body.count)")
            }
            return response.body
        case 404 where response.headers.first(name: "x-ms-error-code") != "ContainerNotFound":
            throw ConnectorError.remote("\(url(of: key)) no longer exists: it was deleted while being read")
        case 412:
            throw ConnectorError.remote(
                "\(url(of: key)) changed while being read (its ETag is no longer \(ifMatch ?? "the one listed")); run again to read the new version")
        case 416:
            throw ConnectorError.remote("\(what): bytes \(range.lowerBound)-\(range.upperBound - 1) are past the blob's end (it is shorter than expected)")
        default:
            throw failure(what, response)
        }
    }

    /// Put Blob of a block blob, with the body's `Content-MD5` for the service to check.
    func put(_ key: String, bytes: [UInt8]) async throws {
        let what = "writing \(url(of: key))"
        let headers: [(name: String, value: String)] = [("x-ms-blob-type", "BlockBlob"), ("Content-MD5", Self.md5(bytes))]
        let response = try await send(what, .PUT, blob: key, headers: headers, body: bytes)
        guard response.status == 201 else { throw failure(what, response) }
    }

    /// An upload in blocks; nothing is sent until the first part.
    func startUpload(_ key: String) async throws -> any ObjectUpload {
        AzureBlockUpload(store: self, key: key, tag: Self.randomTag())
    }

    // MARK: Requests

    /// Sends one request through the transport (retried, timed out), built afresh for each
    /// attempt so that `x-ms-date` and the signature are current. `blob` nil addresses the
    /// container.
    func send(
        _ what: String, _ method: HTTPMethod, blob: String?, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) async throws -> ObjectResponse {
        try await transport.send(what) {
            makeRequest(method, blob: blob, query: query, headers: headers, body: body, at: Timestamp.now())
        }
    }

    /// The request for `blob` (nil: the container) at `time`: its URL (path-encoded name, the
    /// query, the SAS when there is one), `x-ms-date`, `x-ms-version`, `headers`, and the
    /// SharedKey `Authorization` when signing.
    func makeRequest(
        _ method: HTTPMethod, blob: String?, query: [(name: String, value: String)], headers: [(name: String, value: String)],
        body: [UInt8]?, at time: Timestamp
    ) -> ObjectRequest {
        let path = path(of: blob)
        var all: [(name: String, value: String)] = [("x-ms-date", AzureSharedKeySigner.httpDate(time)), ("x-ms-version", Self.apiVersion)]
        all += headers
        var queryText = AzureSharedKeySigner.encodedQuery(query)
        switch authorization {
        case .sharedKey(let signer):
            let request = AzureSharedKeySigner.Request(
                method: method.rawValue, path: path, query: query, headers: all, contentLength: body?.count ?? 0)
            all.append(("Authorization", signer.authorization(for: request)))
        case .sas(let token):
            queryText += (queryText.isEmpty ? "" : "&") + token
        case .anonymous:
            break
        }
        let url = endpoint.origin + path + (queryText.isEmpty ? "" : "?" + queryText)
        return ObjectRequest(method: method, url: url, headers: all, body: body)
    }

    /// The request path of `blob` (nil: the container): the endpoint's base path, the
    /// container, the name percent-encoded with its `/` kept.
    func path(of blob: String?) -> String {
        endpoint.basePath + "/" + container + (blob.map { "/" + AzureSharedKeySigner.encodedPath($0) } ?? "")
    }

    /// The error for an answer that is not the expected one: `what` (which names the blob),
    /// the status, the service's error code and message, and a hint for authentication
    /// failures. The SAS token never appears, even if the service were to echo it.
    func failure(_ what: String, _ response: ObjectResponse) -> ConnectorError {
        let document = AzureErrorDocument(xml: response.body)
        let code = document.code ?? response.headers.first(name: "x-ms-error-code")
        var message = "\(what) failed: HTTP \(response.status)"
        if let code { message += " \(code)" }
        if let text = document.message { message += ": \(text)" }
        if response.status == 403 {
            switch authorization {
            case .sharedKey: message += " (check the storage account and its key: storage.account, storage.accountKey or AZURE_STORAGE_KEY)"
            case .sas: message += " (check the SAS token: its signature, expiry and permissions)"
            case .anonymous: message += " (the container does not allow anonymous access; give credentials)"
            }
        }
        if case .sas(let token) = authorization {
            message = message.replacingOccurrences(of: token, with: Secrets.mask)
            for pair in token.split(separator: "&") where pair.hasPrefix("sig=") {
                let signature = String(pair.dropFirst(4))
                if !signature.isEmpty {
                    message = message.replacingOccurrences(of: signature, with: Secrets.mask)
                    if let decoded = signature.removingPercentEncoding { message = message.replacingOccurrences(of: decoded, with: Secrets.mask) }
                }
            }
        }
        return ConnectorError.remote(message)
    }

    /// The base64 MD5 of `bytes`, for `Content-MD5` (the service checks the body against it).
    static func md5(_ bytes: [UInt8]) -> String { Data(Insecure.MD5.hash(data: bytes)).base64EncodedString() }

    /// Sixteen random hex digits, which make an upload's block ids its own.
    static func randomTag() -> String {
        let value = UInt64.random(in: 0...UInt64.max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// An upload of a block blob in blocks: each part is a Put Block (any order, several at
/// once), and ``complete(parts:lastPart:)`` commits them with Put Block List, which is the
/// moment the blob appears (or replaces the old one) at once.
///
/// Block ids are the base64 of `{tag}-{part number, 6 digits}`: one length for every block
/// (the service requires it), and an upload's own random tag, so that two uploads to the same
/// name never take each other's blocks.
struct AzureBlockUpload: ObjectUpload {
    let store: AzureBlobStore
    let key: String
    let tag: String

    /// The block id of part `number`.
    func blockID(_ number: Int) -> String {
        let digits = String(number)
        let raw = tag + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        return Data(raw.utf8).base64EncodedString()
    }

    /// Put Block of part `number` (1 to 50,000), with its `Content-MD5`.
    func upload(part number: Int, bytes: [UInt8]) async throws {
        let what = "writing block \(number) of \(store.url(of: key))"
        guard (1...AzureBlobStore.maxBlocks).contains(number) else {
            throw ConnectorError.remote("\(what): a block blob has at most \(AzureBlobStore.maxBlocks) blocks; raise storage.partSizeMiB")
        }
        let response = try await store.send(
            what, .PUT, blob: key, query: [("comp", "block"), ("blockid", blockID(number))],
            headers: [("Content-MD5", AzureBlobStore.md5(bytes))], body: bytes)
        guard response.status == 201 else { throw store.failure(what, response) }
    }

    /// Put Block of `lastPart` when it is not empty, then Put Block List naming every block in
    /// order (`<Latest>`), which makes the blob appear.
    func complete(parts: Int, lastPart: [UInt8]) async throws {
        let total = parts + (lastPart.isEmpty ? 0 : 1)
        if !lastPart.isEmpty { try await upload(part: total, bytes: lastPart) }
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>"
        for number in stride(from: 1, through: total, by: 1) { xml += "<Latest>\(blockID(number))</Latest>" }
        xml += "</BlockList>"
        let what = "committing the blocks of \(store.url(of: key))"
        let body = Array(xml.utf8)
        let response = try await store.send(
            what, .PUT, blob: key, query: [("comp", "blocklist")],
            headers: [("Content-Type", "application/xml; charset=utf-8"), ("Content-MD5", AzureBlobStore.md5(body))], body: body)
        guard response.status == 201 else { throw store.failure(what, response) }
    }

    /// Does nothing, because Azure has no request that deletes uncommitted blocks. They are
    /// invisible: until a Put Block List commits them no blob appears at the name (an existing
    /// blob there is left as it was), the next Put Blob or Put Block List on the name discards
    /// them, and the service deletes them on its own after a week. Their ids carry this
    /// upload's own tag, so no other upload can commit them by mistake.
    func abort() async {}
}
