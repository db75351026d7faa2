// Written for Sluice: the package mirror has no AWS, Google Cloud or Azure SDK, so the object
// stores speak their REST APIs over AsyncHTTPClient; this is the request loop they share.
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import SluiceCore
import Synchronization

/// One HTTP request to an object store, built afresh for each attempt (signatures carry the
/// time).
struct ObjectRequest: Sendable {
    var method: HTTPMethod
    var url: String
    var headers: [(name: String, value: String)] = []
    var body: [UInt8]?
}

/// A store's answer: its status, headers and whole body.
struct ObjectResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    /// The body as text, cut short, for error messages.
    var bodyText: String { String(decoding: body.prefix(2048), as: UTF8.self) }
}

/// Sends requests to an object store with timeouts and retries.
///
/// A request is retried, after an exponential backoff with full jitter (or the server's
/// `Retry-After`, for 429 and 503), when the connection fails or resets, when the server
/// stalls past the read timeout, and on 408, 429 and 5xx answers. Other answers are returned
/// as they are for the store to interpret. Every request has a deadline for its answer's head,
/// and its body must keep arriving: a gap longer than the read timeout fails the attempt.
struct ObjectTransport: Sendable {
    /// Seconds an answer may take to start, and the longest silence while its body arrives.
    var timeoutSeconds: Double
    /// Attempts after the first.
    var retries: Int
    /// The first backoff, doubled at each attempt (capped at ``maxBackoffSeconds``).
    var backoffSeconds: Double
    /// The largest backoff, and the largest `Retry-After` honoured.
    var maxBackoffSeconds: Double = 20
    /// The largest answer body read into memory.
    var maxBodyBytes = 256 << 20

    init(timeoutSeconds: Double = 60, retries: Int = 4, backoffSeconds: Double = 0.2) {
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
        self.backoffSeconds = backoffSeconds
    }

    /// Sends the request `make` builds until it gets an answer that is not retried, or the
    /// attempts run out. `what` names the operation and object for messages
    /// (`reading s3://bucket/key`).
    func send(_ what: String, _ make: @Sendable () async throws -> ObjectRequest) async throws -> ObjectResponse {
        var attempt = 0
        while true {
            try Task.checkCancellation()
            let request = try await make()
            let outcome: Result<ObjectResponse, any Error>
            do {
                outcome = .success(try await once(request))
            } catch {
                // A request of a cancelled task fails (the client's own `cancelled` error):
                // neither retried nor reported as a network failure.
                if Task.isCancelled { throw CancellationError() }
                outcome = .failure(error)
            }
            let delay: Double
            switch outcome {
            case .success(let response):
                guard Self.isRetried(response.status), attempt < retries else { return response }
                delay = retryAfter(response) ?? backoff(attempt)
            case .failure(let error):
                guard attempt < retries else {
                    let attempts = attempt == 0 ? "1 attempt" : "\(attempt + 1) attempts"
                    throw ConnectorError.remote("\(what) failed after \(attempts): \(Self.describe(error))")
                }
                delay = backoff(attempt)
            }
            attempt += 1
            try await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1e9))
        }
    }

    /// The slowest upload a request body is given time for: its answer's time limits grow by one
    /// second per this many bytes (256 KiB/s, about 2 Mbit/s), so a slow link is not taken for
    /// a stalled server. A server that stalls while a body is sent is noticed that much later.
    static let slowestUploadBytesPerSecond = 256 << 10

    /// The seconds added to the limits of a request with a body of `bytes`: its time at the
    /// slowest rate, rounded up to a power of two (so the clients made per limit stay few).
    static func uploadAllowance(bytes: Int) -> Double {
        guard bytes > 0 else { return 0 }
        let seconds = (bytes + slowestUploadBytesPerSecond - 1) / slowestUploadBytesPerSecond
        var rounded = 1
        while rounded < seconds { rounded <<= 1 }
        return Double(rounded)
    }

    /// Whether an answer with `status` is worth another attempt.
    static func isRetried(_ status: Int) -> Bool { status == 408 || status == 429 || (500...599).contains(status) }

    /// The delay before attempt `attempt + 1`: a random share of the doubled base (full jitter).
    func backoff(_ attempt: Int) -> Double {
        let ceiling = min(maxBackoffSeconds, backoffSeconds * Double(1 << min(attempt, 20)))
        return Double.random(in: 0...ceiling)
    }

    /// The delay a 429 or 503 answer asks for in whole seconds (`Retry-After: 3`), capped.
    private func retryAfter(_ response: ObjectResponse) -> Double? {
        guard response.status == 429 || response.status == 503,
            let text = response.headers.first(name: "Retry-After"), let seconds = Double(text), seconds.isFinite, seconds >= 0
        else { return nil }
        return min(seconds, maxBackoffSeconds)
    }

    private func once(_ request: ObjectRequest) async throws -> ObjectResponse {
        var http = HTTPClientRequest(url: request.url)
        http.method = request.method
        for header in request.headers { http.headers.add(name: header.name, value: header.value) }
        if let body = request.body {
            http.body = .bytes(body)
        } else if request.method == .PUT || request.method == .POST {
            http.headers.replaceOrAdd(name: "Content-Length", value: "0")
        }
        // The server answers only once the body is in, so the limits also give the body time
        // to go out at the slowest rate allowed.
        let limit = timeoutSeconds + Self.uploadAllowance(bytes: request.body?.count ?? 0)
        let client = ObjectHTTPClients.shared.client(readTimeoutSeconds: limit)
        let response = try await client.execute(http, timeout: .milliseconds(Int64(limit * 1000)))
        let declared = response.headers.first(name: "Content-Length").flatMap { Int($0) }
        let buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: maxBodyBytes)
        } catch {
            throw Self.bodyFailure(error, declared: declared)
        }
        let body = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        // A connection closed early: fewer bytes than the answer declared.
        if let declared, request.method != .HEAD, body.count != declared {
            throw ConnectorError.remote("the answer ended after \(body.count) of its \(declared) bytes")
        }
        return ObjectResponse(status: Int(response.status.code), headers: response.headers, body: body)
    }

    /// A failure while an answer's body arrived, in plain words when the body was cut short or
    /// stopped arriving; other errors as they are.
    static func bodyFailure(_ error: any Error, declared: Int?) -> any Error {
        if let error = error as? HTTPClientError, error == .readTimeout {
            return ConnectorError.remote("the answer stopped arriving partway (the server stalled past the timeout)")
        }
        if (error as? HTTPClientError) == .remoteConnectionClosed || (error as? HTTPParserError) == .invalidEOFState {
            let expected = declared.map { "the \($0) bytes it declared" } ?? "its end"
            return ConnectorError.remote("the answer ended early: the connection closed before \(expected) had arrived")
        }
        return error
    }

    /// A failed attempt for a message, without the client library's type names where it has a
    /// plainer word.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer within the timeout (the server stalled)"
            case .connectTimeout: return "could not connect within the timeout"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return "\(error)"
            }
        }
        if let error = error as? ConnectorError {
            switch error {
            case .io(let message), .remote(let message), .refused(_, let message): return message
            }
        }
        return "\(error)"
    }
}

/// The HTTP clients of the object stores: one per read timeout, made on first use and kept
/// for the life of the process (a client's read timeout is fixed when it is made).
final class ObjectHTTPClients: Sendable {
    static let shared = ObjectHTTPClients()
    private let clients = Mutex<[Int: HTTPClient]>([:])

    func client(readTimeoutSeconds: Double) -> HTTPClient {
        let milliseconds = Int64(max(1, min(readTimeoutSeconds * 1000, 86_400_000)))
        return clients.withLock { clients in
            if let client = clients[Int(milliseconds)] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .seconds(10), read: .milliseconds(milliseconds))
            configuration.redirectConfiguration = .disallow
            configuration.decompression = .disabled
            configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
            let client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
            clients[Int(milliseconds)] = client
            return client
        }
    }
}
