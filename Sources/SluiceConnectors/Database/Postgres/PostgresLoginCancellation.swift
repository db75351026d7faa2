import NIOCore
import Synchronization

/// Cancellation of one ``PostgresEndpoint/connect(logger:)``, whose socket and login run as
/// one future chain on an event loop: a cancelled task closes the socket once there is one,
/// which fails the login, or keeps the login from starting when the socket is not open yet.
final class PostgresLoginCancellation: Sendable {
    private enum State {
        case connecting
        case connected(any Channel)
        case cancelled
        case loggedIn
    }

    private let state = Mutex<State>(.connecting)

    /// Called on the event loop when the socket is open: true to go on with the login, false
    /// when the task was cancelled meanwhile (the caller closes `channel`).
    func connected(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard case .connecting = state else { return false }
            state = .connected(channel)
            return true
        }
    }

    /// Called on the event loop when the login has succeeded: true to hand the connection
    /// over, false when the task was cancelled meanwhile (its socket is being closed, so the
    /// caller throws `CancellationError`); from then on cancelling leaves the socket alone.
    func loggedIn() -> Bool {
        state.withLock { state in
            guard case .connected = state else { return false }
            state = .loggedIn
            return true
        }
    }

    /// Called by the task's cancellation handler: closes the socket of a login under way.
    func cancel() {
        let channel: (any Channel)? = state.withLock { state in
            switch state {
            case .connecting:
                state = .cancelled
                return nil
            case .connected(let channel):
                state = .cancelled
                return channel
            case .cancelled, .loggedIn:
                return nil
            }
        }
        channel?.close(promise: nil)
    }
}
