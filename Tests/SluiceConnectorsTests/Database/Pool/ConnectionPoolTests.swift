import SluiceConnectors
import SluiceCore
import Synchronization
import Testing

/// The pool's own rules, with a counting connection (the database connectors' tests use the
/// pool against real PostgreSQL and MariaDB servers).
@Suite struct ConnectionPoolTests {
    final class CountingConnection: PooledConnection {
        let id: Int
        private let state = Mutex<(usable: Bool, closed: Bool)>((true, false))
        init(id: Int) { self.id = id }
        var isUsable: Bool { state.withLock { $0.usable && !$0.closed } }
        var isClosed: Bool { state.withLock { $0.closed } }
        func breakIt() { state.withLock { $0.usable = false } }
        func close() async { state.withLock { $0.closed = true } }
    }

    final class Factory: Sendable {
        private let made = Mutex<[CountingConnection]>([])
        var connections: [CountingConnection] { made.withLock { $0 } }
        func make() -> CountingConnection {
            made.withLock { list in
                let connection = CountingConnection(id: list.count + 1)
                list.append(connection)
                return connection
            }
        }
    }

    @Test func releasedConnectionsAreReusedAndBrokenOnesReplaced() async throws {
        let factory = Factory()
        let pool = ConnectionPool<CountingConnection>(maxConnections: 2, idleTimeout: .seconds(60)) { factory.make() }
        let a = try await pool.lease()
        await pool.release(a)
        let again = try await pool.lease()
        #expect(again.id == a.id)
        again.breakIt()
        await pool.release(again)
        #expect(a.isClosed)
        let fresh = try await pool.lease()
        #expect(fresh.id == 2)
        await pool.release(fresh, broken: true)
        #expect(fresh.isClosed)
        let stats = await pool.statistics
        #expect([stats.open, stats.idle, stats.waiting, stats.opened, stats.closed] == [0, 0, 0, 2, 2])
    }

    @Test func leasesBeyondTheLimitWaitForARelease() async throws {
        let factory = Factory()
        let pool = ConnectionPool<CountingConnection>(maxConnections: 2, idleTimeout: .seconds(60)) { factory.make() }
        let first = try await pool.lease()
        let second = try await pool.lease()
        let third = Task { try await pool.lease() }
        while await pool.statistics.waiting == 0 { await Task.yield() }
        #expect(await pool.statistics.open == 2)
        await pool.release(second)
        let got = try await third.value
        #expect(got.id == second.id)
        #expect(factory.connections.count == 2)
        await pool.release(first)
        await pool.release(got)
        #expect(await pool.statistics.idle == 2)
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let factory = Factory()
        let pool = ConnectionPool<CountingConnection>(maxConnections: 1, idleTimeout: .seconds(60)) { factory.make() }
        let held = try await pool.lease()
        let waiter = Task { try await pool.lease() }
        while await pool.statistics.waiting == 0 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await pool.statistics.waiting == 0)
        await pool.release(held)
    }

    @Test func idleConnectionsAreClosedAfterTheTimeout() async throws {
        let factory = Factory()
        let pool = ConnectionPool<CountingConnection>(maxConnections: 3, idleTimeout: .milliseconds(50)) { factory.make() }
        let a = try await pool.lease()
        await pool.release(a)
        var waited = 0
        while !a.isClosed, waited < 400 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(a.isClosed)
        #expect(await pool.statistics.idle == 0)
        let b = try await pool.lease()
        #expect(b.id == 2)
        await pool.release(b)
    }

    @Test func shutdownClosesIdleConnectionsAndRefusesLeases() async throws {
        let factory = Factory()
        let pool = ConnectionPool<CountingConnection>(maxConnections: 2, idleTimeout: .seconds(60)) { factory.make() }
        let resources = SharedResources()
        let shared = try resources.resource("db") { pool }
        #expect(try resources.resource("db") { ConnectionPool<CountingConnection>(maxConnections: 9, idleTimeout: .seconds(1)) { factory.make() } } === shared)
        let a = try await shared.lease()
        await shared.release(a)
        await resources.shutdown()
        #expect(a.isClosed)
        #expect(resources.count == 0)
        await #expect(throws: ConnectorError.self) { try await pool.lease() }
    }
}
