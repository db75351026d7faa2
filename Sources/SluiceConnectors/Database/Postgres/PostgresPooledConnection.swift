import NIOCore
import PostgresNIO

/// A PostgreSQL connection held by a ``ConnectionPool``.
public final class PostgresPooledConnection: PooledConnection {
    /// The PostgresNIO connection.
    public let connection: PostgresConnection
    /// The connection's channel, which the source uses for the binary `COPY … TO STDOUT` that
    /// PostgresNIO has no call for (see ``PostgresCopyOut``); nil when unknown.
    let channel: (any Channel)?

    init(_ connection: PostgresConnection, channel: (any Channel)? = nil) {
        self.connection = connection
        self.channel = channel
    }

    deinit {
        // A pool dropped without `shutdown()` (or a connection lost on the way) must not
        // leave the socket open; PostgresNIO also asserts that a connection is closed before
        // it is freed, so the close callback keeps it alive until the channel is closed.
        guard !connection.isClosed else { return }
        let connection = connection
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    public var isUsable: Bool { !connection.isClosed }

    public func close() async {
        try? await connection.close()
    }
}
