import SluiceCore
import Synchronization

/// The circuit breakers and rate limiters of every endpoint the process calls, shared by all
/// its jobs: two jobs reading one API wait in one queue and see one breaker. It lives in the
/// process's ``SharedResources`` (see ``shared(in:)``), and `GET /health` lists its breakers.
public final class EndpointGuards: SharedResource {
    private let breakers = Mutex<[String: CircuitBreaker]>([:])
    private let limiters = Mutex<[String: RateLimiter]>([:])
    /// The time, in seconds since the Unix epoch; a manual clock in tests.
    public let clock: EndpointClock

    public init(clock: EndpointClock = .system) { self.clock = clock }

    /// The key the guards are kept under in ``SharedResources``.
    public static let resourceKey = "endpoint-guards"

    /// The guards of the process whose resources these are, made on first use.
    public static func shared(in resources: SharedResources) -> EndpointGuards {
        // Only this type is ever stored under the key, so the lookup cannot mismatch; a fresh
        // set of guards is the harmless answer if it somehow did.
        (try? resources.resource(resourceKey, as: EndpointGuards.self) { EndpointGuards() }) ?? EndpointGuards()
    }

    /// The breaker of `endpoint`, made with `settings` or given them (the last job to
    /// configure an endpoint decides).
    public func breaker(_ endpoint: String, settings: CircuitBreaker.Settings) -> CircuitBreaker {
        breakers.withLock { breakers in
            if let existing = breakers[endpoint] {
                if existing.settings != settings { existing.settings = settings }
                return existing
            }
            let made = CircuitBreaker(endpoint: endpoint, settings: settings)
            breakers[endpoint] = made
            return made
        }
    }

    /// The limiter of `host`; `settings`, when given, replace its pace and cap.
    public func limiter(_ host: String, settings: RateLimiter.Settings?) -> RateLimiter {
        limiters.withLock { limiters in
            if let existing = limiters[host] {
                if let settings, existing.settings != settings { existing.configure(settings) }
                return existing
            }
            let made = RateLimiter(host: host, settings: settings ?? RateLimiter.Settings())
            limiters[host] = made
            return made
        }
    }

    /// Every breaker's state, by endpoint name.
    public var breakerSnapshots: [CircuitBreaker.Snapshot] {
        breakers.withLock { Array($0.values) }.map(\.snapshot).sorted { $0.endpoint < $1.endpoint }
    }

    public func shutdown() async {}
}

/// The time and the waiting of the endpoint guards: the system clock, or a manual one in tests.
public struct EndpointClock: Sendable {
    /// Seconds since the Unix epoch.
    public let now: @Sendable () -> Double
    /// Waits `seconds` (throws when the task is cancelled).
    public let sleep: @Sendable (Double) async throws -> Void

    public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    /// The wall clock and real sleeps.
    public static let system = EndpointClock(
        now: { Double(Timestamp.now().microseconds) / 1_000_000 },
        sleep: { seconds in
            guard seconds > 0 else { return }
            try await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400) * 1_000_000_000))
        })
}
