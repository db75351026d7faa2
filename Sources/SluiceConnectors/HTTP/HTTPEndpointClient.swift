import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SluiceCore

/// One HTTP request of a connector, built afresh for each attempt.
public struct HTTPCall: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(method: HTTPMethod = .GET, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A whole answer: status, headers and body.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
}

/// What every HTTP connector's requests obey: time limits, retries, the endpoint's circuit
/// breaker and rate limiter, and a bound on what is read into memory.
public struct HTTPRequestPolicy: Sendable {
    /// Seconds an answer may take to start, and the longest silence while its body arrives.
    public var timeoutSeconds: Double
    public var retry: NetworkRetryPolicy
    public var breaker: CircuitBreaker.Settings
    /// The host's pace and cap, when this connector sets them.
    public var rateLimit: RateLimiter.Settings?
    /// The largest answer read whole (a page), in bytes.
    public var maxResponseBytes: Int

    /// The policy of a connector's `timeoutMs`, `retry`, `circuitBreaker` and `rateLimit` keys.
    public init(
        timeoutMs: Int?, retry: NetworkRetryPolicy.Config?, circuitBreaker: CircuitBreaker.Settings.Config?,
        rateLimit: RateLimiter.Settings.Config?, maxResponseBytes: Int
    ) {
        // Clamped to the declared maximum (an hour): NIO traps past about 292 years.
        self.init(
            timeoutSeconds: Double(min(max(timeoutMs ?? 30_000, 1), 3_600_000)) / 1000, retry: NetworkRetryPolicy(config: retry),
            breaker: CircuitBreaker.Settings(config: circuitBreaker), rateLimit: rateLimit.map(RateLimiter.Settings.init(config:)),
            maxResponseBytes: maxResponseBytes)
    }

    public init(
        timeoutSeconds: Double = 30, retry: NetworkRetryPolicy = .standard, breaker: CircuitBreaker.Settings = .init(),
        rateLimit: RateLimiter.Settings? = nil, maxResponseBytes: Int = 256 << 20
    ) {
        self.timeoutSeconds = timeoutSeconds
        self.retry = retry
        self.breaker = breaker
        self.rateLimit = rateLimit
        self.maxResponseBytes = maxResponseBytes
    }
}

/// Sends a connector's requests to one endpoint with its sign-in, pacing, circuit breaker and
/// retries.
///
/// An attempt is retried, after the policy's backoff (or the server's `Retry-After`), when
/// the connection fails, the answer does not start or stalls past the timeout, or the status
/// is 408, 429 or 5xx. A 401 under OAuth2 refreshes the token and tries once more. Any other
/// answer outside 2xx fails at once with the server's message. Connection failures,
/// timeouts, 408 and 5xx count against the endpoint's breaker; any other answer closes it.
public struct HTTPEndpointClient: Sendable {
    public let policy: HTTPRequestPolicy
    public let guards: EndpointGuards
    let authorizer: HTTPAuthorizer?

    public init(policy: HTTPRequestPolicy, guards: EndpointGuards, auth: HTTPAuth? = nil) {
        self.policy = policy
        self.guards = guards
        self.authorizer = auth.map { HTTPAuthorizer($0, policy: policy, guards: guards) }
    }

    /// Sends `call` and reads its whole 2xx answer (at most ``HTTPRequestPolicy/maxResponseBytes``).
    /// `what` names the request in messages (`api:https://api.example.com/orders`).
    public func fetch(_ call: HTTPCall, what: String) async throws -> HTTPAnswer {
        let limit = policy.maxResponseBytes
        return try await send(call, what: what) { client, prepared, deadline in
            var request = try HTTPClient.Request(url: prepared.url, method: call.method, headers: prepared.headers)
            if let body = call.body { request.body = .bytes(body) }
            let collector = HTTPAnswerCollector(limit: limit, headDeadline: .now() + .milliseconds(Int64(deadline * 1000)))
            let loop = Self.eventLoop(for: Self.endpointKey(prepared.url))
            let task = client.execute(request: request, delegate: collector, eventLoop: .delegateAndChannel(on: loop))
            collector.arm(task)
            let collected: HTTPAnswerCollector.Collected
            do {
                collected = try await withTaskCancellationHandler {
                    try await task.futureResult.get()
                } onCancel: {
                    task.cancel()
                }
            } catch is HTTPAnswerCollector.TooLarge {
                throw Refusal(message: "\(what): the answer is larger than maxResponseBytes (\(limit) bytes)")
            } catch {
                // A failure after the head: a 2xx body cut short or stalled; another answer's
                // status still stands, without its body.
                guard let head = collector.head else { throw error }
                guard !(200..<300).contains(Int(head.status.code)) else {
                    throw ObjectTransport.bodyFailure(error, declared: head.headers.first(name: "Content-Length").flatMap { Int($0) })
                }
                collected = HTTPAnswerCollector.Collected(head: head, body: [])
            }
            let answer = HTTPAnswer(status: Int(collected.head.status.code), headers: collected.head.headers, body: collected.body)
            return Exchange(status: collected.head.status, headers: collected.head.headers, value: { answer }, bodyStart: { collected.body })
        }
    }

    /// Sends `call` and returns its 2xx answer as soon as its head arrives, with the body still
    /// streaming (a failure while it streams is the caller's, not retried).
    public func open(_ call: HTTPCall, what: String) async throws -> HTTPClientResponse {
        try await send(call, what: what) { client, prepared, deadline in
            var request = HTTPClientRequest(url: prepared.url)
            request.method = call.method
            request.headers = prepared.headers
            if let body = call.body { request.body = .bytes(body) }
            let response = try await client.execute(request, timeout: .milliseconds(Int64(deadline * 1000)))
            return Exchange(
                status: response.status, headers: response.headers, value: { response },
                bodyStart: { Self.bytes(try? await response.body.collect(upTo: HTTPAnswerCollector.keptOfOtherAnswers)) })
        }
    }

    /// A request as signed in: its URL (an API key may be in the query) and headers.
    struct PreparedRequest: Sendable {
        var url: String
        var headers: HTTPHeaders
    }

    /// One attempt's answer as the request loop sees it: its status and headers, the value a
    /// 2xx answer gives, and the start of another answer's body (for the message).
    struct Exchange<R: Sendable>: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var value: @Sendable () async throws -> R
        var bodyStart: @Sendable () async -> [UInt8]
    }

    /// A failure that is final whatever the retry policy says (a body over the limit).
    struct Refusal: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The request loop: `exchange` makes one attempt with a client, the signed-in request and
    /// the seconds its answer has to start.
    private func send<R: Sendable>(
        _ call: HTTPCall, what: String, exchange: @Sendable (HTTPClient, PreparedRequest, Double) async throws -> Exchange<R>
    ) async throws -> R {
        let endpoint = Self.endpointKey(call.url)
        let breaker = guards.breaker(endpoint, settings: policy.breaker)
        let limiter = guards.limiter(endpoint, settings: policy.rateLimit)
        let clock = guards.clock
        var attempt = 0
        var refreshedAfterUnauthorized = false
        while true {
            try Task.checkCancellation()
            let admission: CircuitBreaker.Admission
            do {
                admission = try breaker.admit(now: clock.now())
            } catch {
                throw ConnectorError.remote(error.description)
            }
            var outcome: Result<R, any Error>
            var retryAfter: Double?
            do {
                try await clock.sleep(limiter.reserve(now: clock.now()))
                try await limiter.acquire()
                defer { limiter.release() }
                let response = try await exchange(client(for: call), try await prepare(call), deadline(call))
                let status = Int(response.status.code)
                retryAfter = noteRateLimits(response.headers, status: status, limiter: limiter, now: clock.now())
                if status == 401, let authorizer, authorizer.refreshes, !refreshedAfterUnauthorized {
                    _ = await response.bodyStart()
                    refreshedAfterUnauthorized = true
                    await authorizer.invalidate()
                    breaker.recordSuccess()
                    continue
                }
                if (200..<300).contains(status) {
                    outcome = .success(try await response.value())
                } else {
                    let text = Self.snippet(await response.bodyStart())
                    let message = "\(what) answered HTTP \(status) \(response.status.reasonPhrase)" + (text.isEmpty ? "" : ": \(text)")
                    outcome = .failure(HTTPStatusFailure(status: status, message: message))
                }
            } catch {
                if Task.isCancelled {
                    if admission == .probe { breaker.releaseProbe() }
                    throw CancellationError()
                }
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let value):
                breaker.recordSuccess()
                return value
            case .failure(let error as HTTPStatusFailure):
                if error.countsAgainstEndpoint {
                    breaker.recordFailure(error.message, now: clock.now())
                } else {
                    breaker.recordSuccess()
                }
                guard error.isRetried else { throw ConnectorError.refused(status: error.status, message: error.message) }
                guard attempt < policy.retry.maxRetries else {
                    throw ConnectorError.remote(error.message + Self.attempts(attempt, retried: true))
                }
                try await clock.sleep(retryAfter.map(policy.retry.honoured(retryAfterSeconds:)) ?? policy.retry.delaySeconds(attempt: attempt))
            case .failure(let error as Refusal):
                breaker.recordSuccess()
                throw ConnectorError.remote(error.message)
            case .failure(let error):
                let message = ObjectTransport.describe(error)
                breaker.recordFailure("\(what): \(message)", now: clock.now())
                guard attempt < policy.retry.maxRetries else {
                    throw ConnectorError.remote("request to \(what) failed\(Self.attempts(attempt, retried: true)): \(message)")
                }
                try await clock.sleep(policy.retry.delaySeconds(attempt: attempt))
            }
            attempt += 1
        }
    }

    /// ` after 4 attempts` once a request was retried; nothing for a single attempt.
    static func attempts(_ attempt: Int, retried: Bool) -> String {
        retried && attempt > 0 ? " (after \(attempt + 1) attempts)" : ""
    }

    /// The request as sent: the call's URL and headers with its sign-in.
    private func prepare(_ call: HTTPCall) async throws -> PreparedRequest {
        var url = call.url
        var headers = call.headers
        if let authorizer { try await authorizer.authorize(url: &url, headers: &headers) }
        var prepared = PreparedRequest(url: url, headers: HTTPHeaders())
        for header in headers { prepared.headers.replaceOrAdd(name: header.name, value: header.value) }
        if call.body == nil, call.method == .PUT || call.method == .POST {
            prepared.headers.replaceOrAdd(name: "Content-Length", value: "0")
        }
        return prepared
    }

    /// The time an answer has to start: the timeout plus the time a body of its size takes at
    /// the slowest upload rate allowed.
    private func deadline(_ call: HTTPCall) -> Double {
        policy.timeoutSeconds + ObjectTransport.uploadAllowance(bytes: call.body?.count ?? 0)
    }

    private func client(for call: HTTPCall) -> HTTPClient {
        ObjectHTTPClients.shared.client(readTimeoutSeconds: deadline(call))
    }

    /// Applies an answer's rate-limit headers to the host's limiter; returns the wait a 429 or
    /// 503 asks for.
    private func noteRateLimits(_ headers: HTTPHeaders, status: Int, limiter: RateLimiter, now: Double) -> Double? {
        var wait: Double?
        if status == 429 || status == 503, let text = headers.first(name: "Retry-After"), let seconds = RetryAfter.seconds(text, now: now) {
            wait = policy.retry.honoured(retryAfterSeconds: seconds)
            limiter.pause(until: now + (wait ?? 0))
        }
        if let remaining = headers.first(name: "X-RateLimit-Remaining").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
            remaining <= 0, let reset = headers.first(name: "X-RateLimit-Reset"), let seconds = RetryAfter.resetSeconds(reset, now: now)
        {
            let honoured = policy.retry.honoured(retryAfterSeconds: seconds)
            limiter.pause(until: now + honoured)
            if status == 429 { wait = max(wait ?? 0, honoured) }
        }
        return wait
    }

    /// The event loop of an endpoint's whole answers: its connections and the reading of their
    /// answers stay on one loop, so no answer is handed between loops on its way.
    static func eventLoop(for endpoint: String) -> any EventLoop {
        let loops = eventLoops
        var hash: UInt32 = 2_166_136_261  // FNV-1a: the same loop for the same endpoint in every run
        for byte in endpoint.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return loops[Int(hash % UInt32(loops.count))]
    }

    private static let eventLoops: [any EventLoop] = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())

    /// `host:port` of a URL: the key of its breaker and limiter.
    static func endpointKey(_ url: String) -> String {
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? Substring(url)
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? String(authority)
        if hostPort.hasSuffix("]") || !hostPort.contains(":") {
            return hostPort.lowercased() + (url.lowercased().hasPrefix("https") ? ":443" : ":80")
        }
        return hostPort.lowercased()
    }

    static func bytes(_ buffer: ByteBuffer?) -> [UInt8] {
        guard let buffer else { return [] }
        return buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
    }

    /// The start of a body as one line of text, for messages.
    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return body.count > 512 ? line + "…" : line
    }
}

/// An answer outside 2xx.
struct HTTPStatusFailure: Error, CustomStringConvertible {
    var status: Int
    var message: String
    var description: String { message }

    /// 408, 429 and 5xx are worth another attempt.
    var isRetried: Bool { status == 408 || status == 429 || (500...599).contains(status) }
    /// A timeout or a server error says the endpoint is unwell; a 4xx says it is up.
    var countsAgainstEndpoint: Bool { status == 408 || (500...599).contains(status) }
}
