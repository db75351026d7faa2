import Synchronization

/// How one connection of a stream source ended without an error.
enum ConnectionEnd: Sendable {
    /// The server closed it: reconnect.
    case dropped
    /// The server said there is nothing more (an SSE answer of 204): the read ends.
    case finished
}

/// A failure that reconnecting cannot mend (a 4xx answer, a wrong content type): the job
/// fails with the message at once.
struct PermanentStreamFailure: Error, CustomStringConvertible {
    let description: String
}

/// A failure that a reconnection may mend (a timeout, a 5xx answer, a refused upgrade).
struct TransientStreamFailure: Error, CustomStringConvertible {
    let description: String
}

/// One connection of a stream source: a stream source's protocol code connects, says when it
/// is ``connected()``, notes every piece of data it receives (``received()``), and hands its
/// decoded messages to ``deliver(_:)``.
protocol StreamConnector: Sendable {
    /// Connects and reads until the connection ends (returning how) or fails (throwing).
    func run(_ session: StreamSession) async throws -> ConnectionEnd
    /// The wait before the next attempt after `failures` failed ones in a row (0: the
    /// connection was dropped after it worked), from `policy`.
    func reconnectDelay(failures: Int, policy: NetworkRetryPolicy) -> Duration
}

extension StreamConnector {
    func reconnectDelay(failures: Int, policy: NetworkRetryPolicy) -> Duration {
        .milliseconds(Int(policy.delaySeconds(attempt: max(0, failures - 1)) * 1000))
    }
}

/// The state of one connection attempt, shared by the connection's task and its watchdog:
/// the time by which something must next happen (the connect timeout until the connection is
/// up, then the idle timeout after each piece of data, none while the reader is full).
final class StreamSession: Sendable {
    private struct State {
        var deadline: ContinuousClock.Instant?
        var connected = false
        var receivedData = false
    }

    private let state: Mutex<State>
    private let queue: StreamQueue
    let connectTimeout: Duration
    let idleTimeout: Duration

    init(queue: StreamQueue, connectTimeout: Duration, idleTimeout: Duration) {
        self.queue = queue
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        state = Mutex(State(deadline: .now + connectTimeout))
    }

    /// The connection is up (the HTTP answer or the WebSocket upgrade arrived).
    func connected() {
        state.withLock {
            $0.connected = true
            $0.deadline = .now + idleTimeout
        }
    }

    /// Data arrived: the idle clock starts again.
    func received() {
        state.withLock {
            $0.receivedData = true
            $0.deadline = .now + idleTimeout
        }
    }

    /// Whether the connection came up and carried data: a reconnect after it starts the
    /// count of failed attempts afresh.
    var worked: Bool { state.withLock { $0.connected && $0.receivedData } }

    /// Whether the connection came up.
    var isConnected: Bool { state.withLock { $0.connected } }

    /// The time by which the next piece of data must arrive, or `nil` while none is due.
    var deadline: ContinuousClock.Instant? { state.withLock { $0.deadline } }

    /// Hands a message to the reader, waiting while the reader is full; the idle clock is
    /// stopped meanwhile, since the server is not the one keeping the data back.
    func deliver(_ message: StreamMessage) async throws {
        state.withLock { $0.deadline = nil }
        try await queue.send(.message(message), bytes: message.bytes)
        received()
    }
}
