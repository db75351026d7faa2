import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
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
        try await send(call, what: what) { response in
            let buffer: ByteBuffer
            do {
                buffer = try await response.body.collect(upTo: policy.maxResponseBytes)
            } catch is NIOTooManyBytesError {
                throw Refusal(message: "\(what): the answer is larger than maxResponseBytes (\(policy.maxResponseBytes) bytes)")
            } catch {
                throw ObjectTransport.bodyFailure(error, declared: response.headers.first(name: "Content-Length").flatMap { Int($0) })
            }
            let body = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
            return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: body)
        }
    }

    /// Sends `call` and returns its 2xx answer as soon as its head arrives, with the body still
    /// streaming (a failure while it streams is the caller's, not retried).
    public func open(_ call: HTTPCall, what: String) async throws -> HTTPClientResponse {
        try await send(call, what: what) { $0 }
    }

    /// A failure that is final whatever the retry policy says (a body over the limit).
    struct Refusal: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private func send<R: Sendable>(
        _ call: HTTPCall, what: String, read: @Sendable (HTTPClientResponse) async throws -> R
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
                let request = try await prepare(call)
                let response = try await client(for: call).execute(request, timeout: .milliseconds(Int64(deadline(call) * 1000)))
                let status = Int(response.status.code)
                retryAfter = noteRateLimits(response.headers, status: status, limiter: limiter, now: clock.now())
                if status == 401, let authorizer, authorizer.refreshes, !refreshedAfterUnauthorized {
                    _ = try? await response.body.collect(upTo: 64 << 10)
                    refreshedAfterUnauthorized = true
                    await authorizer.invalidate()
                    breaker.recordSuccess()
                    continue
                }
                if (200..<300).contains(status) {
                    outcome = .success(try await read(response))
                } else {
                    let text = Self.snippet(Self.bytes(try? await response.body.collect(upTo: 64 << 10)))
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

    /// The request as sent: the call with its sign-in.
    private func prepare(_ call: HTTPCall) async throws -> HTTPClientRequest {
        var url = call.url
        var headers = call.headers
        if let authorizer { try await authorizer.authorize(url: &url, headers: &headers) }
        var request = HTTPClientRequest(url: url)
        request.method = call.method
        for header in headers { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        if let body = call.body {
            request.body = .bytes(body)
        } else if call.method == .PUT || call.method == .POST {
            request.headers.replaceOrAdd(name: "Content-Length", value: "0")
        }
        return request
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
