/// One operation the server sends.
public enum NATSServerOperation: Sendable, Equatable {
    /// `INFO {…}`: the server's description, first thing on a connection and again when it changes.
    case info(NATSServerInfo)
    /// `MSG` or `HMSG`.
    case message(NATSMessage)
    /// `PING`: the client must answer `PONG`, or the server closes the connection as stale.
    case ping
    /// `PONG`: the answer to the client's `PING`.
    case pong
    /// `+OK` (only in verbose mode, which this client does not ask for).
    case ok
    /// `-ERR 'message'`: the server's error, the quotes taken off.
    case error(String)
}
