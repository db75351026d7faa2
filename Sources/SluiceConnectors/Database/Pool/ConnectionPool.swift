import SluiceCore

/// A database connection a ``ConnectionPool`` can hold.
public protocol PooledConnection: AnyObject, Sendable {
    /// Whether the connection can still run statements (false once the server or network
    /// closed it).
    var isUsable: Bool { get }
    /// Closes the connection.
    func close() async
}

/// A pool of connections to one database, shared by every job that uses that database.
///
/// - At most `maxConnections` are open; a lease beyond that waits (first come, first served)
///   until one is released.
/// - A released connection is kept for the next lease; one idle longer than `idleTimeout`
///   is closed.
/// - A connection that is no longer usable, or that its user releases as broken, is closed
///   and replaced by a new one on the next lease.
public actor ConnectionPool<Connection: PooledConnection>: SharedResource {
    /// How the pool opens a connection.
    public typealias Connect = @Sendable () async throws -> Connection

    /// Counts, for metrics and tests.
    public struct Statistics: Sendable, Equatable {
        /// Connections open (idle plus leased).
        public var open: Int
        /// Connections waiting in the pool.
        public var idle: Int
        /// Leases waiting for a connection.
        public var waiting: Int
        /// Connections opened since the pool was made.
        public var opened: Int
        /// Connections closed since the pool was made.
        public var closed: Int
    }

    private struct Idle {
        let connection: Connection
        let since: ContinuousClock.Instant
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    public let maxConnections: Int
    public let idleTimeout: Duration
    private let connect: Connect
    private var idle: [Idle] = []
    private var leased = 0
    private var opening = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var opened = 0
    private var closed = 0
    private var isShutDown = false
    private var reaper: Task<Void, Never>?

    public init(maxConnections: Int, idleTimeout: Duration, connect: @escaping Connect) {
        self.maxConnections = max(1, maxConnections)
        self.idleTimeout = idleTimeout
        self.connect = connect
    }

    public var statistics: Statistics {
        Statistics(open: idle.count + leased, idle: idle.count, waiting: waiters.count, opened: opened, closed: closed)
    }

    /// Runs `body` with a leased connection and releases it afterwards; when `body` throws,
    /// the connection is kept only if it is still usable.
    /// With `guarded`, opening a connection follows the job's retry policy and its server's
    /// circuit breaker (see ``lease(guarded:)``).
    public func withConnection<R: Sendable>(
        guarded connectGuard: ConnectGuard? = nil, _ body: @Sendable (Connection) async throws -> R
    ) async throws -> R {
        let connection = try await lease(guarded: connectGuard)
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    /// A connection for the caller alone, until it calls ``release(_:broken:)``.
    ///
    /// An idle connection is taken as it is. When a new one must be opened, `guarded` (the
    /// job's ``ConnectGuard``) decides: the server's circuit breaker is asked first (an open
    /// circuit fails the lease at once), and a transient failure is retried after the job's
    /// backoff, during which the lease holds no slot of the pool (a connection released
    /// meanwhile is taken instead). Without a guard one attempt is made. A failed connect is
    /// thrown as a ``ConnectorError``.
    public func lease(guarded connectGuard: ConnectGuard? = nil) async throws -> Connection {
        var attempt = 0
        while true {
            if isShutDown { throw ConnectorError.io("the connection pool is shut down") }
            try Task.checkCancellation()
            if let connection = await takeIdle() {
                leased += 1
                return connection
            }
            if leased + opening + idle.count < maxConnections {
                let admission = try connectGuard?.admit() ?? .allowed
                opening += 1
                do {
                    let connection = try await connect()
                    opening -= 1
                    opened += 1
                    leased += 1
                    connectGuard?.succeeded()
                    return connection
                } catch {
                    opening -= 1
                    wakeOne()
                    guard let connectGuard else {
                        throw (error as? DatabaseConnectFailure)?.connectorError(attempts: 1) ?? error
                    }
                    let delay = try connectGuard.failed(error, attempt: attempt, admission: admission)
                    try await connectGuard.wait(delay)
                    attempt += 1
                    continue
                }
            }
            try await waitForRelease()
        }
    }

    /// Gives a leased connection back. A `broken` or unusable connection is closed; the
    /// next lease opens a new one.
    public func release(_ connection: Connection, broken: Bool = false) async {
        leased -= 1
        if broken || !connection.isUsable || isShutDown {
            closed += 1
            wakeOne()
            await connection.close()
        } else {
            idle.append(Idle(connection: connection, since: .now))
            scheduleReaper()
            wakeOne()
        }
    }

    public func shutdown() async {
        isShutDown = true
        reaper?.cancel()
        let all = idle
        idle.removeAll()
        for waiter in waiters { waiter.continuation.resume(throwing: ConnectorError.io("the connection pool is shut down")) }
        waiters.removeAll()
        for item in all {
            closed += 1
            await item.connection.close()
        }
    }

    // MARK: - Internals

    /// The most recently released usable connection; expired and broken ones are closed.
    private func takeIdle() async -> Connection? {
        closeExpired()
        while let item = idle.popLast() {
            if item.connection.isUsable { return item.connection }
            closed += 1
            await item.connection.close()
        }
        return nil
    }

    private func closeExpired() {
        let now = ContinuousClock.now
        let (expired, kept) = idle.reduce(into: ([Idle](), [Idle]())) { parts, item in
            if now - item.since >= idleTimeout { parts.0.append(item) } else { parts.1.append(item) }
        }
        guard !expired.isEmpty else { return }
        idle = kept
        closed += expired.count
        for item in expired {
            let connection = item.connection
            Task { await connection.close() }
        }
    }

    private func scheduleReaper() {
        guard reaper == nil else { return }
        let timeout = idleTimeout
        reaper = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: timeout)
                guard let self, await self.reap() else { return }
            }
        }
    }

    /// Closes expired connections; returns whether idle ones remain to watch.
    private func reap() -> Bool {
        closeExpired()
        if idle.isEmpty {
            reaper = nil
            return false
        }
        return true
    }

    private func waitForRelease() async throws {
        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                waiters.append(Waiter(id: id, continuation: continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    private func wakeOne() {
        guard !waiters.isEmpty else { return }
        waiters.removeFirst().continuation.resume()
    }
}
