import Logging
import SluiceCore
import Synchronization

/// Keeps a stream source connected: runs one connection at a time under a watchdog (connect
/// and idle timeouts), reconnects after a drop or a failure with the backoff of the `retry`
/// policy, and after `maxRetries` failed attempts in a row puts the failure in the queue for
/// the reader to fail the job with. A connection that came up and carried data starts the
/// count afresh.
struct StreamSupervisor: Sendable {
    let connector: any StreamConnector
    let queue: StreamQueue
    let settings: StreamSettings
    /// The URL without its query string, for messages.
    let location: String
    let logger: Logger

    /// Runs until the task is cancelled, the server ends the stream, or it gives up.
    func run() async {
        var failures = 0
        var lastError = ""
        while !Task.isCancelled {
            let session = StreamSession(queue: queue, connectTimeout: settings.connectTimeout, idleTimeout: settings.idleTimeout)
            let outcome = await attempt(session)
            if Task.isCancelled { return }
            if session.worked { failures = 0 }
            switch outcome {
            case .success(.finished):
                try? await queue.send(.ended, bytes: 0)
                return
            case .success(.dropped):
                if !session.worked { failures += 1 }
                lastError = "the server closed the connection"
                logger.info("stream connection closed by the server; reconnecting", metadata: ["source": "\(location)"])
            case .failure(let error as PermanentStreamFailure):
                try? await queue.send(.failed(ConnectorError.remote("\(location): \(error.description)")), bytes: 0)
                return
            case .failure(let error):
                failures += 1
                lastError = Secrets.redactText("\(error)")
                logger.warning(
                    "stream connection failed", metadata: ["source": "\(location)", "error": "\(lastError)", "failures": "\(failures)"])
            }
            if failures > settings.retry.maxRetries {
                let attempts = failures == 1 ? "1 failed connection attempt" : "\(failures) failed connection attempts in a row"
                let message = "\(location): gave up after \(attempts) (retry.maxRetries is \(settings.retry.maxRetries)): \(lastError)"
                try? await queue.send(.failed(ConnectorError.remote(message)), bytes: 0)
                return
            }
            do {
                try await Task.sleep(for: connector.reconnectDelay(failures: failures, policy: settings.retry))
            } catch {
                return
            }
        }
    }

    /// One connection under its watchdog. The connection runs in a task of its own, so that
    /// a timeout or the job being stopped ends the wait at once even while the connection is
    /// in a step that does not notice cancellation (a TCP connect or an upgrade answer); the
    /// task is cancelled, which closes the connection.
    func attempt(_ session: StreamSession) async -> Result<ConnectionEnd, any Error> {
        let outcome = Outcome()
        let connector = self.connector
        let connection = Task {
            do {
                outcome.resolve(.success(try await connector.run(session)))
            } catch {
                outcome.resolve(.failure(error))
            }
        }
        let watchdog = Task {
            while !Task.isCancelled {
                guard let deadline = session.deadline else {
                    // The reader is full: nothing is due until it takes the message.
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                if ContinuousClock.now >= deadline {
                    let step = session.isConnected
                        ? "no data for \(session.idleTimeout.milliseconds) ms (idleTimeoutMs)"
                        : "connecting took longer than \(session.connectTimeout.milliseconds) ms (connectTimeoutMs)"
                    outcome.resolve(.failure(TransientStreamFailure(description: step)))
                    return
                }
                // Woken at least every 100 ms: the deadline may also move earlier (from the
                // connect timeout to a shorter idle timeout) while it sleeps.
                try? await Task.sleep(until: min(deadline, .now + .milliseconds(100)), clock: .continuous)
            }
        }
        let result = await withTaskCancellationHandler {
            await outcome.wait()
        } onCancel: {
            outcome.resolve(.failure(CancellationError()))
        }
        watchdog.cancel()
        connection.cancel()
        return result
    }
}

/// The first result of a connection attempt, whoever delivers it (the connection, its
/// watchdog, or cancellation); later ones are ignored.
private final class Outcome: Sendable {
    private struct State {
        var result: Result<ConnectionEnd, any Error>?
        var waiter: CheckedContinuation<Result<ConnectionEnd, any Error>, Never>?
    }

    private let state = Mutex(State())

    func resolve(_ result: Result<ConnectionEnd, any Error>) {
        let waiter: CheckedContinuation<Result<ConnectionEnd, any Error>, Never>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: result)
    }

    func wait() async -> Result<ConnectionEnd, any Error> {
        await withCheckedContinuation { continuation in
            let ready: Result<ConnectionEnd, any Error>? = state.withLock { state in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
