import SluiceCore
import SluiceRedisWire

/// The server a Redis connector talks to and its time limits: the `url`, `connectTimeoutMs`
/// and `timeoutMs` keys the source and the target share.
struct RedisEndpoint: Sendable {
    let url: RedisURL
    let connectTimeout: Duration
    let commandTimeout: Duration

    init(url: String, connectTimeoutMs: Int?, timeoutMs: Int?) throws {
        self.url = try RedisURL(parsing: url)
        connectTimeout = .milliseconds(try Self.bounded(connectTimeoutMs, "connectTimeoutMs", default: 10_000, range: 1...3_600_000))
        commandTimeout = .milliseconds(try Self.bounded(timeoutMs, "timeoutMs", default: 30_000, range: 1...3_600_000))
    }

    /// A whole number of a key within `range`, `fallback` when absent; errors name the key.
    static func bounded(_ value: Int?, _ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        let value = value ?? fallback
        guard range.contains(value) else { throw SpecError(path: key, "must be from \(range.lowerBound) to \(range.upperBound), got \(value)") }
        return value
    }

    /// A connection, signed in; a failure names `location`.
    func connect(location: String) async throws -> RedisConnection {
        do {
            return try await RedisConnection.connect(url.configuration(connectTimeout: connectTimeout, commandTimeout: commandTimeout))
        } catch {
            throw ConnectorError.remote("\(location): \(error)")
        }
    }
}

/// Closes a connector's connection when its reader or writer goes away.
final class RedisConnectionLease: Sendable {
    let connection: RedisConnection

    init(_ connection: RedisConnection) {
        self.connection = connection
    }

    deinit {
        let connection = connection
        Task { await connection.close() }
    }
}
