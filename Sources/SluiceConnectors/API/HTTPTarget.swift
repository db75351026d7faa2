import NIOHTTP1
import SluiceCore
import SluiceFormats

/// Sends records to an HTTP endpoint: batches as a JSON array or as NDJSON, or one request per
/// record, with the same sign-in, pacing, circuit breaker and retries as the API source.
///
/// An endpoint cannot take a job's records back, so requests go out as the job runs, and a
/// failed job leaves what was already accepted (at-least-once). Retries resend the same
/// body with the same `idempotencyHeader` key (`<job id>-<request number>`), so an endpoint
/// that honours the key applies each request once. A 4xx answer other than 408 and 429 sends
/// the request's records to the dead-letter queue with the status and the answer's body, and
/// the job goes on; a request that still fails after its retries fails the job.
public struct HTTPTarget: Target {
    public static let type = "http"

    /// How records are put into requests.
    public enum Format: String, Sendable, CaseIterable {
        /// A JSON array of up to `batchSize` records per request.
        case json
        /// Up to `batchSize` records per request, one JSON object per line.
        case ndjson
        /// One request per record, its body the record's JSON object.
        case record
    }

    /// `target.config` of an HTTP target.
    public struct Config: Decodable, Sendable {
        public var url: String
        public var method: String?
        public var format: String?
        public var batchSize: Int?
        public var headers: [String: String]?
        public var auth: HTTPAuth.Config?
        public var idempotencyHeader: String?
        public var timeoutMs: Int?
        public var retry: NetworkRetryPolicy.Config?
        public var rateLimit: RateLimiter.Settings.Config?
        public var circuitBreaker: CircuitBreaker.Settings.Config?
    }

    let url: String
    let method: HTTPMethod
    let format: Format
    let recordsPerRequest: Int?
    let headers: [(name: String, value: String)]
    let idempotencyHeader: String?
    let client: HTTPEndpointClient
    let jobId: String

    public init(config: Config, context: ComponentContext) throws {
        try HTTPURL.checked(config.url)
        switch (config.method ?? "POST").uppercased() {
        case "POST": method = .POST
        case "PUT": method = .PUT
        case "PATCH": method = .PATCH
        default: throw SpecError(path: "method", "unsupported method '\(config.method ?? "")'; expected POST, PUT or PATCH")
        }
        guard let format = Format(rawValue: config.format ?? "json") else {
            throw SpecError(path: "format", "unknown value '\(config.format ?? "")'; expected one of json, ndjson, record")
        }
        self.format = format
        url = config.url
        recordsPerRequest = config.batchSize
        headers = (config.headers ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        idempotencyHeader = config.idempotencyHeader
        let auth = try config.auth.map { config throws(SpecError) in try HTTPAuth(config: config) }
        let policy = HTTPRequestPolicy(
            timeoutMs: config.timeoutMs, retry: config.retry, circuitBreaker: config.circuitBreaker, rateLimit: config.rateLimit,
            maxResponseBytes: 1 << 20)
        client = HTTPEndpointClient(policy: policy, guards: EndpointGuards.shared(in: context.resources), auth: auth)
        jobId = context.jobId
    }

    public var location: String { "http:\(HTTPURL.shown(url))" }

    public func open(batchSize: Int?) async throws -> any TargetWriter {
        HTTPTargetWriter(target: self, recordsPerRequest: recordsPerRequest ?? batchSize ?? 500)
    }

    /// The request that carries `body` as request number `sequence` of the run.
    func call(body: [UInt8], sequence: Int) -> HTTPCall {
        var call = HTTPCall(method: method, url: url, headers: [], body: body)
        call.headers.append(("Content-Type", format == .ndjson ? "application/x-ndjson" : "application/json"))
        if let idempotencyHeader { call.headers.append((idempotencyHeader, "\(jobId)-\(sequence)")) }
        for header in headers {
            call.headers.removeAll { $0.name.lowercased() == header.name.lowercased() }
            call.headers.append(header)
        }
        return call
    }
}

/// One run's requests to an HTTP target.
final class HTTPTargetWriter: RejectingTargetWriter {
    private let target: HTTPTarget
    private let recordsPerRequest: Int
    private var sequence = 0

    init(target: HTTPTarget, recordsPerRequest: Int) {
        self.target = target
        self.recordsPerRequest = max(1, recordsPerRequest)
    }

    func write(_ batch: RecordBatch) async throws -> Int {
        try await writeReportingRejections(batch).bytes
    }

    func writeReportingRejections(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        var bytes = 0
        var rejected: [Rejection] = []
        let size = target.format == .record ? 1 : recordsPerRequest
        var start = 0
        while start < batch.count {
            let rows = Array(start..<min(batch.count, start + size))
            start += size
            let part = batch.selecting(rows)
            let body = encode(part)
            sequence += 1
            do {
                _ = try await target.client.fetch(target.call(body: body, sequence: sequence), what: target.location)
                bytes += body.count
            } catch ConnectorError.refused(let status, let message) {
                let refusal = "HTTP \(status): " + Self.answer(of: message)
                rejected += part.records.enumerated().map { index, record in
                    Rejection(record: .object(record), reasons: [refusal], position: part.positions[index], stage: "target")
                }
            }
        }
        return (bytes, rejected)
    }

    func commit() async throws {}

    func abort() async {}

    private func encode(_ part: RecordBatch) -> [UInt8] {
        var out: [UInt8] = []
        switch target.format {
        case .json:
            var encoder = makeEncoder(.json, options: EncodeOptions())
            encoder.begin(into: &out)
            encoder.encode(part, into: &out)
            encoder.end(into: &out)
        case .ndjson:
            var encoder = makeEncoder(.ndjson, options: EncodeOptions())
            encoder.encode(part, into: &out)
        case .record:
            out = JSONText.bytes(.object(part.record(at: 0)))
        }
        return out
    }

    /// What the endpoint said: the part of a refusal's message after the status line.
    static func answer(of message: String) -> String {
        guard let range = message.range(of: " answered HTTP ") else { return message }
        return String(message[range.upperBound...].drop { $0 != " " }.dropFirst())
    }
}

extension HTTPTarget: ContinuingTarget {
    /// Every micro-batch is sent the same way: an endpoint only ever adds what it is sent.
    public func continuing() throws -> any Target { self }
}
