import SluiceCore
import Synchronization

/// Stops calls to an endpoint (a host, or a database server) that keeps failing, so jobs fail
/// fast instead of hammering it.
///
/// Closed, it counts consecutive failures; at ``Settings/failureThreshold`` it opens for
/// ``Settings/cooldownMs``, and every call fails at once with ``CircuitOpen``. After the
/// cooldown it lets exactly one call through (half-open): that probe's success closes the
/// circuit, its failure opens it for another cooldown. One breaker is shared by every job of
/// the process that calls the endpoint (see ``EndpointGuards``). Time is passed in, in seconds
/// since the Unix epoch, so tests drive it with a manual clock.
public final class CircuitBreaker: Sendable {
    /// When a breaker opens and for how long.
    public struct Settings: Sendable, Equatable {
        /// Consecutive failures that open the circuit.
        public var failureThreshold: Int
        /// Milliseconds the circuit stays open before a probe is let through.
        public var cooldownMs: Int

        public init(failureThreshold: Int = 5, cooldownMs: Int = 30_000) {
            self.failureThreshold = max(1, failureThreshold)
            self.cooldownMs = max(0, cooldownMs)
        }

        /// The `circuitBreaker` block of a connector's config.
        public struct Config: Decodable, Sendable, Equatable {
            /// Consecutive failures that open the circuit (default 5).
            public var failureThreshold: Int?
            /// Milliseconds it stays open (default 30000).
            public var cooldownMs: Int?
        }

        /// The settings a `circuitBreaker` block asks for, the defaults where it is silent.
        public init(config: Config?) {
            self.init(failureThreshold: config?.failureThreshold ?? 5, cooldownMs: config?.cooldownMs ?? 30_000)
        }

        /// The declaration of the `circuitBreaker` key.
        public static let field = FieldShape.optional(
            "circuitBreaker",
            .object([
                .optional("failureThreshold", .integer(1, 1000), default: 5, "Consecutive failed attempts that open the circuit."),
                .optional("cooldownMs", .integer(0, 86_400_000), default: 30_000, "Milliseconds the circuit stays open before one probe is let through."),
            ]),
            "The endpoint's circuit breaker, shared by every job of the server that calls the same endpoint: after "
                + "`failureThreshold` consecutive failures calls fail at once for `cooldownMs`, then one probe decides whether it closes.")
    }

    /// Where a breaker stands.
    public enum State: String, Sendable, Equatable {
        case closed
        case open
        case halfOpen = "half-open"
    }

    /// What a caller may do.
    public enum Admission: Sendable, Equatable {
        /// Call as usual.
        case allowed
        /// Call: this is the one probe of a half-open circuit, whose outcome decides.
        case probe
    }

    /// A breaker's state, for `GET /health`.
    public struct Snapshot: Sendable, Equatable {
        /// The endpoint (`api.example.com:443`, `postgres db:5432`).
        public var endpoint: String
        public var state: State
        /// Failed attempts since the last success.
        public var consecutiveFailures: Int
        /// When an open circuit lets its probe through (seconds since the epoch).
        public var openUntil: Double?
        /// The last failure's message.
        public var lastError: String?
    }

    private struct Status {
        var state: State = .closed
        var consecutiveFailures = 0
        var openUntil: Double = 0
        var probeInFlight = false
        var lastError: String?
    }

    /// The endpoint this breaker guards, as messages name it.
    public let endpoint: String
    private let settingsStore: Mutex<Settings>
    private let status = Mutex(Status())

    public init(endpoint: String, settings: Settings = Settings()) {
        self.endpoint = endpoint
        self.settingsStore = Mutex(settings)
    }

    /// The breaker's settings; the last job that configured the endpoint sets them.
    public var settings: Settings {
        get { settingsStore.withLock { $0 } }
        set { settingsStore.withLock { $0 = newValue } }
    }

    /// Asks to make a call at `now`: throws ``CircuitOpen`` while the circuit is open (or a
    /// half-open circuit's probe is still out).
    public func admit(now: Double) throws(CircuitOpen) -> Admission {
        let outcome: Result<Admission, CircuitOpen> = status.withLock { status in
            switch status.state {
            case .closed:
                return .success(.allowed)
            case .open where now >= status.openUntil:
                status.state = .halfOpen
                status.probeInFlight = true
                return .success(.probe)
            case .halfOpen where !status.probeInFlight:
                status.probeInFlight = true
                return .success(.probe)
            case .open, .halfOpen:
                return .failure(CircuitOpen(
                    endpoint: endpoint, until: status.openUntil, failures: status.consecutiveFailures, lastError: status.lastError ?? ""))
            }
        }
        return try outcome.get()
    }

    /// Notes a call that reached the endpoint and got a usable answer: the circuit closes.
    public func recordSuccess() {
        status.withLock { status in
            status = Status()
        }
    }

    /// Notes a failed call (a connection error, a timeout, a 5xx answer) at `now`.
    public func recordFailure(_ message: String, now: Double) {
        let settings = self.settings
        status.withLock { status in
            status.consecutiveFailures += 1
            status.lastError = message
            status.probeInFlight = false
            if status.state == .halfOpen || status.consecutiveFailures >= settings.failureThreshold {
                status.state = .open
                status.openUntil = now + Double(settings.cooldownMs) / 1000
            }
        }
    }

    /// Releases a half-open circuit's probe whose call ended without an outcome (it was
    /// cancelled), so the next call may probe.
    public func releaseProbe() {
        status.withLock { $0.probeInFlight = false }
    }

    /// The breaker's state now.
    public var snapshot: Snapshot {
        status.withLock { status in
            Snapshot(
                endpoint: endpoint, state: status.state, consecutiveFailures: status.consecutiveFailures,
                openUntil: status.state == .closed ? nil : status.openUntil, lastError: status.lastError)
        }
    }
}

/// A call refused because its endpoint's circuit is open.
public struct CircuitOpen: Error, Sendable, Equatable, CustomStringConvertible {
    public var endpoint: String
    /// When the circuit lets a probe through (seconds since the epoch).
    public var until: Double
    public var failures: Int
    public var lastError: String

    public var description: String {
        let time = Timestamp(microseconds: Int64(exactly: (until * 1_000_000).rounded(.up)) ?? 0).iso8601
        // `2026-12-07T12:03:10.25Z` → `12:03:10Z`: the cooldown is short, the time of day says it.
        let clock = time.split(separator: "T").last.map { String($0.prefix(8)) + "Z" } ?? time
        return "circuit open for \(endpoint) until \(clock) after \(failures) \(failures == 1 ? "failure" : "failures"): \(lastError)"
    }
}
