/// Why a NATS operation failed.
public enum NATSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server reported an error (`-ERR 'Authorization Violation'`); the connection is closed.
    case server(String)
    /// The server sent something that is not the NATS protocol; the connection is closed.
    case protocolViolation(String)
    /// No answer within the request's timeout; the connection is closed.
    case timeout(String)
    /// The connection closed or could not be made.
    case connection(String)
    /// Nobody listens on the request's subject (the server's `503` status); the connection stays usable.
    case noResponders(subject: String)
    /// Something the client refuses to send (a subject with a space, a header with a line break,
    /// a message larger than the server takes); nothing was sent.
    case invalid(String)

    public var description: String {
        switch self {
        case .server(let message): return "the NATS server reported an error: \(message)"
        case .protocolViolation(let message): return "the NATS server broke the protocol: \(message)"
        case .timeout(let message): return message
        case .connection(let message): return message
        case .noResponders(let subject): return "nothing answers on subject '\(subject)' (no responders)"
        case .invalid(let message): return message
        }
    }
}
