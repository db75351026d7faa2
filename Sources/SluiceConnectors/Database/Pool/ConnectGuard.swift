import SluiceCore

/// What one job's leases obey when its pool has to open a connection: the job's own retry
/// policy and the circuit breaker of the database server.
///
/// A pool is shared by every job naming the same server and credentials, and made by the
/// first of them; the guard is passed with each lease (``ConnectionPool/lease(guarded:)``), so
/// each job connects with the `retry` and `circuitBreaker` settings of its own config. Only
/// opening a connection is guarded: a lease that finds an idle connection neither asks the
/// breaker nor retries, and statements failing on a leased connection are the job's failure.
///
/// An attempt failing with a ``DatabaseConnectFailure/Kind/transient`` failure counts against
/// the breaker and, while the policy allows, is retried after its backoff (full jitter); any
/// other failure ends the lease at once. While the breaker is open a lease fails at once with
/// ``CircuitOpen``'s message, without connecting.
public struct ConnectGuard: Sendable {
    /// The breaker's key: the server, as `postgres db.example.com:5432` or `mysql db:3306`.
    public let endpoint: String
    public let retry: NetworkRetryPolicy
    public let breakerSettings: CircuitBreaker.Settings
    /// The process's breakers, and the clock the backoff waits on.
    public let guards: EndpointGuards

    public init(endpoint: String, retry: NetworkRetryPolicy, breaker: CircuitBreaker.Settings, guards: EndpointGuards) {
        self.endpoint = endpoint
        self.retry = retry
        self.breakerSettings = breaker
        self.guards = guards
    }

    /// The breaker key of a server: `kind host:port`, the host lowercased (an IPv6 address in
    /// brackets).
    public static func endpointKey(_ kind: String, host: String, port: Int) -> String {
        let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(kind) \(name.lowercased()):\(port)"
    }

    /// The breaker of ``endpoint``, with this job's settings.
    var breaker: CircuitBreaker { guards.breaker(endpoint, settings: breakerSettings) }

    /// Asks the breaker for an attempt; a refusal is the job's error, in ``CircuitOpen``'s words.
    func admit() throws -> CircuitBreaker.Admission {
        do {
            return try breaker.admit(now: guards.clock.now())
        } catch {
            throw ConnectorError.remote(error.description)
        }
    }

    /// Notes a connection opened: the server is up.
    func succeeded() {
        breaker.recordSuccess()
    }

    /// Notes the failed attempt number `attempt` (0 for the first) and returns the seconds to
    /// wait before the next one, or throws the error that ends the lease.
    func failed(_ error: any Error, attempt: Int, admission: CircuitBreaker.Admission) throws -> Double {
        let breaker = self.breaker
        if error is CancellationError || Task.isCancelled {
            if admission == .probe { breaker.releaseProbe() }
            throw CancellationError()
        }
        guard let failure = error as? DatabaseConnectFailure else {
            if admission == .probe { breaker.releaseProbe() }
            throw error
        }
        switch failure.kind {
        case .refused:
            breaker.recordSuccess()
            throw failure.connectorError(attempts: attempt + 1)
        case .local:
            if admission == .probe { breaker.releaseProbe() }
            throw failure.connectorError(attempts: attempt + 1)
        case .transient:
            breaker.recordFailure(failure.description, now: guards.clock.now())
            guard attempt < retry.maxRetries else { throw failure.connectorError(attempts: attempt + 1) }
            return retry.delaySeconds(attempt: attempt)
        }
    }

    /// Waits out a backoff; a cancelled task (a stopped job) stops waiting at once.
    func wait(_ seconds: Double) async throws {
        try await guards.clock.sleep(seconds)
        try Task.checkCancellation()
    }
}
