import PostgresNIO
import SluiceCore

/// Readable text for PostgresNIO errors. `PSQLError`'s own description hides the server's
/// message (it may quote data); Sluice shows the server's message, detail and SQLSTATE, which
/// is what a user needs to fix a refused row or a bad query.
public enum PostgresErrorText {
    /// `ERROR: duplicate key value violates unique constraint "t_pkey" (23505): Key (id)=(1) already exists.`
    ///
    /// URL credentials and secret-looking `name=value` pairs in the text are hidden.
    public static func describe(_ error: any Error) -> String {
        Secrets.redactText(text(error))
    }

    private static func text(_ error: any Error) -> String {
        if let error = error as? PostgresServerError {
            return serverText(severity: error.severity, message: error.message, state: error.sqlState, detail: error.detail, hint: error.hint)
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo, info[.message] != nil {
            return serverText(severity: info[.severity], message: info[.message], state: info[.sqlState], detail: info[.detail], hint: info[.hint])
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    private static func serverText(severity: String?, message: String?, state: String?, detail: String?, hint: String?) -> String {
        var text = "\(severity ?? "ERROR"): \(message ?? "")"
        if let state { text += " (SQLSTATE \(state))" }
        if let detail { text += ": \(detail)" }
        if let hint { text += " Hint: \(hint)" }
        return text
    }

    /// The SQLSTATE of a server error, when the error is one.
    public static func sqlState(_ error: any Error) -> String? {
        if let error = error as? PostgresServerError { return error.sqlState }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
