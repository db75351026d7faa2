import SluiceCore
import SluiceMySQLWire

extension DatabaseConnectFailure {
    /// Server error numbers that say "not now": 1040 too many connections, 1203 the user has
    /// too many connections, 1053 server shutdown in progress, 1077 normal shutdown, 1927
    /// connection killed; and the client-side numbers 2002, 2003, 2006 and 2013 (cannot
    /// connect, server gone away, connection lost) when a server or proxy relays them.
    static let transientMySQLCodes: Set<UInt16> = [1040, 1053, 1077, 1203, 1927, 2002, 2003, 2006, 2013]

    /// A failed MySQL connect classified: the wire client's connection failures (refused,
    /// reset, closed by the server, a connect or login timeout) and the server errors of
    /// ``transientMySQLCodes`` are transient; any other server error (1045 access denied,
    /// 1049 unknown database), TLS failures (refused when required, a certificate that does
    /// not verify) and authentication the client cannot do are refusals, with their message.
    static func mysql(_ error: any Error, subject: String) -> DatabaseConnectFailure {
        DatabaseConnectFailure(mysqlKind(error), subject: subject, reason: "\(error)")
    }

    static func mysqlKind(_ error: any Error) -> Kind {
        guard let error = error as? MySQLError else { return .refused }
        switch error {
        case .connection:
            return .transient
        case .server(let server):
            return transientMySQLCodes.contains(server.code) ? .transient : .refused
        case .tls, .authentication, .protocolViolation, .misuse:
            return .refused
        }
    }
}
