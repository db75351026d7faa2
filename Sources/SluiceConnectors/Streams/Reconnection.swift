import SluiceCore

/// Connecting again after a continuous read lost its connection (the broker restarted, the
/// network broke): attempts with pauses growing from 50 ms to 2 s, for up to `timeout`.
enum Reconnection {
    /// What `connect` made, once an attempt succeeds; after `timeout` a
    /// ``ConnectorError/remote(_:)`` naming `location`, the `lost` error and the last attempt's.
    /// A cancelled task stops at once.
    static func connect<Connection>(
        location: String, lost: any Error, timeout: Duration, _ connect: () async throws -> Connection
    ) async throws -> Connection {
        let deadline = ContinuousClock.now + timeout
        var pause = Duration.milliseconds(50)
        while true {
            try Task.checkCancellation()
            let last: String
            do {
                return try await connect()
            } catch {
                last = "\(error)"
            }
            guard ContinuousClock.now + pause < deadline else {
                let ms = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
                throw ConnectorError.remote(
                    "\(location): the connection was lost (\(lost)) and could not be made again within reconnectTimeoutMs (\(ms) ms): \(last)")
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
    }
}
