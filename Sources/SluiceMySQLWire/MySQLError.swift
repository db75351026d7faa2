/// An error the server sent (ERR packet): its code, SQL state and message, verbatim.
public struct MySQLServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server's error number (1062 for a duplicate key).
    public var code: UInt16
    /// The five-character SQL state (`23000`), `HY000` when the server sent none.
    public var sqlState: String
    /// The server's message, exactly as sent.
    public var message: String

    /// A server error with the given parts.
    public init(code: UInt16, sqlState: String, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    /// `ERROR 1062 (23000): Duplicate entry '1' for key 'PRIMARY'`, as the mysql client prints it.
    public var description: String { "ERROR \(code) (\(sqlState)): \(message)" }
}

/// Why a MySQL operation failed.
public enum MySQLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server refused a command; the connection stays usable.
    case server(MySQLServerError)
    /// The server sent something this client does not understand; the connection is closed.
    case protocolViolation(String)
    /// The connection could not be made, or was lost.
    case connection(String)
    /// TLS was asked for and could not be set up.
    case tls(String)
    /// Login failed on the client's side (an unsupported plugin, a missing public key).
    case authentication(String)
    /// The connection is in use by a streaming read or was closed.
    case misuse(String)

    public var description: String {
        switch self {
        case .server(let error): return error.description
        case .protocolViolation(let message): return "MySQL protocol error: \(message)"
        case .connection(let message), .tls(let message), .authentication(let message), .misuse(let message): return message
        }
    }

    /// The server's error, when it was one.
    public var serverError: MySQLServerError? {
        if case .server(let error) = self { return error }
        return nil
    }
}
