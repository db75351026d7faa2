import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SluiceCore
import SluiceFormats

/// Reads records from an HTTP API that answers with a JSON array, or an object holding one:
/// one request, or every page of a paginated answer.
///
/// Requests are signed (`auth`), paced by the host's shared rate limiter, guarded by the
/// endpoint's circuit breaker and retried on transient failures (see ``HTTPEndpointClient``).
/// A single answer is streamed into the JSON decoder as it arrives, so it is never held whole;
/// a page is read whole (up to `maxResponseBytes`) and the next one is fetched while the
/// records of this one travel down the pipeline.
public struct APISource: Source, IncrementalSource, SplittableSource {
    public static let type = "api"

    /// `source.config` of an API source.
    public struct Config: Decodable, Sendable {
        /// An `http` or `https` URL.
        public var url: String
        /// `GET` (default) or `POST`.
        public var method: String?
        /// Request headers; secrets may be written as `${env:NAME}`.
        public var headers: [String: String]?
        /// A JSON body for POST requests (sent with every page).
        public var body: Value?
        /// Dotted path to the records array inside the response object (of every page).
        public var recordsPath: String?
        /// Milliseconds an answer may take to start, and the longest silence while it arrives.
        public var timeoutMs: Int?
        /// How to sign in.
        public var auth: HTTPAuth.Config?
        /// How to walk the pages.
        public var pagination: Pagination.Config?
        /// Retries of transient failures.
        public var retry: NetworkRetryPolicy.Config?
        /// The host's pace.
        public var rateLimit: RateLimiter.Settings.Config?
        /// The endpoint's circuit breaker.
        public var circuitBreaker: CircuitBreaker.Settings.Config?
        /// Incremental reads: the query parameter that carries the watermark.
        public var since: SinceParameter.Config?
        /// The largest page read whole, in bytes.
        public var maxResponseBytes: Int?
    }

    let url: String
    let method: HTTPMethod
    let headers: [(name: String, value: String)]
    let body: Value?
    let recordsPath: String?
    let pagination: Pagination?
    let since: SinceParameter?
    /// The watermark to send in ``since``'s parameter, set by ``readingFrom(_:of:)``.
    var sinceValue: Value?
    let client: HTTPEndpointClient
    let batchSize: Int

    public init(config: Config, context: ComponentContext) throws {
        try HTTPURL.checked(config.url)
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
        pagination = try config.pagination.map { config throws(SpecError) in try Pagination(config: config) }
        since = try config.since.map { config throws(SpecError) in try SinceParameter(config: config) }
        let auth = try config.auth.map { config throws(SpecError) in try HTTPAuth(config: config) }
        let policy = HTTPRequestPolicy(
            timeoutMs: config.timeoutMs, retry: config.retry, circuitBreaker: config.circuitBreaker, rateLimit: config.rateLimit,
            maxResponseBytes: config.maxResponseBytes ?? (256 << 20))
        client = HTTPEndpointClient(policy: policy, guards: EndpointGuards.shared(in: context.resources), auth: auth)
        batchSize = context.batchSize
    }

    /// The URL without its query string and with its user-info password hidden: both may
    /// carry credentials.
    public var location: String { "api:\(HTTPURL.shown(url))" }

    /// Only with a `since` parameter can the API leave out what came before a watermark.
    public func filtersItself(by field: String) -> Bool { since != nil }

    public func readingFrom(_ value: Value, of field: String) throws -> any Source {
        guard since != nil else { return self }
        var copy = self
        copy.sinceValue = value
        return copy
    }

    /// The URL of the first request: with the watermark parameter when reading incrementally.
    var startURL: String {
        guard let since, let sinceValue, let text = since.text(for: sinceValue) else { return url }
        return HTTPURL.setting([(since.parameter, text)], in: url)
    }

    /// One request of the read, to `url`.
    func call(_ url: String) -> HTTPCall {
        var call = HTTPCall(method: method, url: url, headers: [("Accept", "application/json")])
        for header in headers {
            call.headers.removeAll { $0.name.lowercased() == header.name.lowercased() }
            call.headers.append(header)
        }
        if let body, method == .POST {
            call.headers.append(("Content-Type", "application/json"))
            call.body = JSONText.bytes(body)
        }
        return call
    }

    func decodeOptions() -> DecodeOptions {
        var options = DecodeOptions()
        options.batchSize = batchSize
        options.recordsPath = recordsPath
        return options
    }

    /// A paginated read comes in blocks (pages) that several workers decode.
    public var splitsIntoBlocks: Bool { pagination != nil }

    public func openBlocks(blockBytes: Int) async throws -> (any BlockReader)? {
        pagination.map { APIPageBlockReader(source: self, pagination: $0) }
    }

    public func open() async throws -> any BatchReader {
        if let pagination {
            return APIPageReader(source: self, pagination: pagination)
        }
        let response = try await client.open(call(startURL), what: location)
        let expected = response.headers.first(name: "Content-Length").flatMap { Int($0) }
        return APIBatchReader(body: response.body, decoder: makeDecoder(.json, options: decodeOptions()), expectedBytes: expected)
    }
}

/// Feeds a streamed response body into the JSON decoder, chunk by chunk.
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
            let buffer: ByteBuffer?
            do {
                buffer = try await iterator.next()
            } catch {
                throw ConnectorError.remote(ObjectTransport.describe(ObjectTransport.bodyFailure(error, declared: expectedBytes)))
            }
            if let buffer {
                try buffer.withUnsafeReadableBytes { try reader.feed($0) }
            } else {
                try reader.finish()
            }
        }
    }
}
