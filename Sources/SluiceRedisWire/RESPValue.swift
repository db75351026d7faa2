/// A value of the Redis serialization protocol (RESP2), as a server answers.
public enum RESPValue: Sendable, Equatable {
    /// `+OK`.
    case simpleString(String)
    /// `-ERR …`: the server refused the command (the connection stays usable).
    case error(String)
    /// `:42`.
    case integer(Int)
    /// `$5\r\nhello`: binary-safe bytes; nil is the null bulk string (`$-1`).
    case bulkString([UInt8]?)
    /// `*2\r\n…`: nil is the null array (`*-1`), which a blocking read answers on a timeout.
    case array([RESPValue]?)

    /// The text of a simple or bulk string (bulk bytes read as UTF-8).
    public var text: String? {
        switch self {
        case .simpleString(let text): return text
        case .bulkString(let bytes?): return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The bytes of a bulk or simple string.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): return bytes
        case .simpleString(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// The elements of a non-null array.
    public var elements: [RESPValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The number of an integer reply.
    public var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// Whether this is a null bulk string or a null array.
    public var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): return true
        default: return false
        }
    }
}
