import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SluiceCore
import SluiceFormats

/// Reads records from an HTTP API that answers with a JSON array, or an object holding one.
///
/// The response body is streamed into the JSON decoder as it arrives, so a large answer is
/// never held whole in memory.
public struct APISource: Source {
    public static let type = "api"

    /// `source.config` of an API source.
    public struct Config: Decodable, Sendable {
        /// An `http` or `https` URL.
        public var url: String
        /// `GET` (default) or `POST`.
        public var method: String?
        /// Request headers; secrets may be written as `${env:NAME}`.
        public var headers: [String: String]?
        /// A JSON body for POST requests.
        public var body: Value?
        /// Dotted path to the records array inside the response object.
        public var recordsPath: String?
        /// Milliseconds before the request is abandoned (default 30000).
        public var timeoutMs: Int?
    }

    let url: String
    let method: HTTPMethod
    let headers: [(String, String)]
    let body: Value?
    let recordsPath: String?
    let timeout: TimeAmount
    let batchSize: Int

    public init(config: Config, context: ComponentContext) throws {
        let lower = config.url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), config.url.count > 8 else {
            throw SpecError(path: "url", "expected an http:// or https:// URL, got '\(Secrets.redactURL(config.url))'")
        }
        switch (config.method ?? "GET").uppercased() {
        case "GET": method = .GET
        case "POST": method = .POST
        default: throw SpecError(path: "method", "unsupported method '\(config.method ?? "")'; expected GET or POST")
        }
        if let timeoutMs = config.timeoutMs, timeoutMs <= 0 {
            throw SpecError(path: "timeoutMs", "must be a positive number of milliseconds")
        }
        url = config.url
        headers = (config.headers ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        body = config.body
        recordsPath = config.recordsPath
        // Clamped to the declared maximum (an hour): NIO traps past about 292 years.
        timeout = .milliseconds(Int64(min(config.timeoutMs ?? 30_000, 3_600_000)))
        batchSize = context.batchSize
    }

    /// The URL without its query string and with its user-info password hidden: both may
    /// carry credentials.
    public var location: String {
        let base = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        return "api:\(Secrets.redactURL(base))"
    }

    public func open() async throws -> any BatchReader {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body, method == .POST {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(JSONText.bytes(body))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw ConnectorError.remote("request to \(location) failed: \(error)")
        }
        guard (200..<300).contains(response.status.code) else {
            throw ConnectorError.remote("\(location) answered HTTP \(response.status.code) \(response.status.reasonPhrase)")
        }
        var options = DecodeOptions()
        options.batchSize = batchSize
        options.recordsPath = recordsPath
        let expected = response.headers.first(name: "Content-Length").flatMap { Int($0) }
        return APIBatchReader(body: response.body, decoder: makeDecoder(.json, options: options), expectedBytes: expected)
    }
}

/// Feeds the response body into the JSON decoder, chunk by chunk.
final class APIBatchReader: BatchReader {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var reader: DecodingReader
    let expectedBytes: Int?

    init(body: HTTPClientResponse.Body, decoder: any RecordStreamDecoder, expectedBytes: Int?) {
        self.iterator = body.makeAsyncIterator()
        self.reader = DecodingReader(decoder: decoder)
        self.expectedBytes = expectedBytes
    }

    func next() async throws -> SourceChunk? {
        while true {
            if let chunk = reader.nextDecoded() { return chunk }
            if reader.finished { return nil }
            if let buffer = try await iterator.next() {
                try buffer.withUnsafeReadableBytes { try reader.feed($0) }
            } else {
                try reader.finish()
            }
        }
    }
}
