import NIOSSL
import PostgresNIO
import SluiceCore

extension DatabaseConnectFailure {
    /// SQLSTATEs a server sends while it cannot take the connection now: `57P01`
    /// admin_shutdown, `57P02` crash_shutdown, `57P03` cannot_connect_now (starting up,
    /// recovering), `53300` too_many_connections; and class `08`, connection exceptions.
    static let transientPostgresStates: Set<String> = ["57P01", "57P02", "57P03", "53300"]

    /// A failed PostgreSQL connect classified: failures of the socket (refused, reset, timed
    /// out, a name that does not resolve) and a server closing the connection mid-login or
    /// answering one of ``transientPostgresStates`` are transient; every other answer of the
    /// server (a bad password `28P01`, an unknown role `28000`, an unknown database `3D000`,
    /// TLS refused when required, a failed certificate check) is a refusal, with its message.
    static func postgres(_ error: any Error, subject: String) -> DatabaseConnectFailure {
        DatabaseConnectFailure(postgresKind(error), subject: subject, reason: PostgresErrorText.describe(error))
    }

    static func postgresKind(_ error: any Error) -> Kind {
        if let state = PostgresErrorText.sqlState(error) {
            return transientPostgresStates.contains(state) || state.hasPrefix("08") ? .transient : .refused
        }
        guard let error = error as? PSQLError else {
            // Before PostgresNIO takes over: the socket's connect failed or timed out.
            return .transient
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            if let underlying = error.underlying, underlying is NIOSSLError || underlying is BoringSSLError { return .refused }
            return .transient
        default:
            return .refused
        }
    }
}
