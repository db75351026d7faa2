/// Why a Redis command failed.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server refused the command (`-ERR …`, `-NOGROUP …`); the connection stays usable.
    case server(String)
    /// The server sent something that is not RESP; the connection is closed.
    case protocolViolation(String)
    /// No answer within the command's timeout; the connection is closed.
    case timeout(String)
    /// The connection closed or could not be made.
    case connection(String)

    public var description: String {
        switch self {
        case .server(let message): return "the Redis server refused the command: \(message)"
        case .protocolViolation(let message): return "the Redis server broke the protocol: \(message)"
        case .timeout(let message): return message
        case .connection(let message): return message
        }
    }

    /// The error code of a server refusal (`NOGROUP`, `WRONGPASS`, `BUSYGROUP`), its first word.
    public var serverCode: String? {
        guard case .server(let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }
}
