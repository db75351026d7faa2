import SluiceCore

/// A failure to open a database connection, with what it says about the server: whether
/// another attempt may succeed and whether it counts against the server's circuit breaker.
///
/// The connect functions of the `postgres` and `mysql` pools throw it (see
/// ``PostgresEndpoint/connect(logger:)`` and ``MySQLPools/connect(_:)``); a guarded lease
/// (``ConnectionPool/lease(guarded:)``) reads it and hands the job a ``ConnectorError``.
public struct DatabaseConnectFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the failure says about the server.
    public enum Kind: Sendable, Equatable {
        /// The server could not be reached or was not ready: connection refused or reset, a
        /// connect or login timeout, the server starting up or shutting down, too many
        /// connections. Retried; counts against the breaker.
        case transient
        /// The server answered and refused: bad credentials, an unknown database, TLS refused
        /// when required. Fails at once; the server is up, so its breaker closes.
        case refused
        /// The client could not even try (an unreadable CA file): fails at once and leaves the
        /// breaker alone.
        case local
    }

    public var kind: Kind
    /// What was attempted, for messages: `cannot connect to postgres://app@db:5432/sales`.
    public var subject: String
    /// Why it failed, with the server's message when it sent one.
    public var reason: String

    public init(_ kind: Kind, subject: String, reason: String) {
        self.kind = kind
        self.subject = subject
        self.reason = reason
    }

    /// `subject: reason`, credentials hidden.
    public var description: String { Secrets.redactText("\(subject): \(reason)") }

    /// The job's error after `attempts` attempts: ` (after 3 attempts)` is added to the subject
    /// once the connect was retried.
    public func connectorError(attempts: Int) -> ConnectorError {
        let count = attempts > 1 ? " (after \(attempts) attempts)" : ""
        return .remote("\(subject)\(count): \(reason)")
    }
}
