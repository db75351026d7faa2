import SluiceCore
import SluiceNATSWire

/// The server a NATS connector talks to and its time limits: the `url`, `connectTimeoutMs`
/// and `timeoutMs` keys the source and the target share.
struct NATSEndpoint: Sendable {
    let url: NATSURL
    let connectTimeout: Duration
    let requestTimeout: Duration

    init(url: String, connectTimeoutMs: Int?, timeoutMs: Int?) throws {
        self.url = try NATSURL(parsing: url)
        connectTimeout = .milliseconds(try Self.bounded(connectTimeoutMs, "connectTimeoutMs", default: 10_000, range: 1...3_600_000))
        requestTimeout = .milliseconds(try Self.bounded(timeoutMs, "timeoutMs", default: 30_000, range: 1...3_600_000))
    }

    /// A whole number of a key within `range`, `fallback` when absent; errors name the key.
    static func bounded(_ value: Int?, _ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        let value = value ?? fallback
        guard range.contains(value) else { throw SpecError(path: key, "must be from \(range.lowerBound) to \(range.upperBound), got \(value)") }
        return value
    }

    /// A stream's or consumer's name as JetStream takes it: 1 to 255 bytes, no whitespace,
    /// no `.`, `*`, `>`, `/` or `\`; errors name the key.
    static func name(_ value: String, _ key: String) throws -> String {
        guard !value.isEmpty, value.utf8.count <= 255 else { throw SpecError(path: key, "must be 1 to 255 bytes long") }
        let forbidden: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "*"), UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "\\")]
        guard !value.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || forbidden.contains($0) }) else {
            throw SpecError(path: key, "may not contain whitespace, '.', '*', '>', '/' or '\\', got '\(value)'")
        }
        return value
    }

    /// A subject of a key, checked as the server reads subjects; errors name the key.
    static func subject(_ value: String, _ key: String, wildcards: Bool) throws -> String {
        do {
            try NATSSubject.validate(value, wildcards: wildcards)
        } catch {
            throw SpecError(path: key, "\(error)")
        }
        return value
    }

    /// A connection, signed in; a failure names `location`.
    func connect(location: String) async throws -> NATSConnection {
        do {
            return try await NATSConnection.connect(url.configuration(connectTimeout: connectTimeout, requestTimeout: requestTimeout))
        } catch {
            throw ConnectorError.remote("\(location): \(error)")
        }
    }
}

/// Closes a connector's connection when its reader or writer goes away.
final class NATSConnectionLease: Sendable {
    let connection: NATSConnection

    init(_ connection: NATSConnection) {
        self.connection = connection
    }

    deinit {
        let connection = connection
        Task { await connection.close() }
    }
}
