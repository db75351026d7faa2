import SluiceCore
import Synchronization

/// Paces the requests of every job of the process to one host: a token bucket (a steady
/// ``Settings/requestsPerSecond`` with room for a ``Settings/burst``), a cap on requests in
/// flight, and pauses the server asks for (`Retry-After` on a 429 or 503, or
/// `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset`).
///
/// Waits are reserved, not polled: each caller takes its token when it asks and is told how
/// long to wait for it, so callers are served in order and the pace holds however many wait.
/// Time is passed in (seconds since the Unix epoch), so tests drive it with a manual clock.
public final class RateLimiter: Sendable {
    /// How fast and how many at once.
    public struct Settings: Sendable, Equatable {
        /// Requests per second on average; `nil` for no pacing.
        public var requestsPerSecond: Double?
        /// Requests that may go at once after a quiet spell (the bucket's size).
        public var burst: Int
        /// Requests in flight at once; `nil` for no cap.
        public var maxConcurrent: Int?

        public init(requestsPerSecond: Double? = nil, burst: Int = 1, maxConcurrent: Int? = nil) {
            self.requestsPerSecond = requestsPerSecond.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
            self.burst = max(1, burst)
            self.maxConcurrent = maxConcurrent.map { max(1, $0) }
        }

        /// The `rateLimit` block of a connector's config.
        public struct Config: Decodable, Sendable, Equatable {
            /// Requests per second on average.
            public var requestsPerSecond: Double?
            /// The bucket's size (default 1).
            public var burst: Int?
            /// Requests in flight at once.
            public var maxConcurrent: Int?
        }

        public init(config: Config) {
            self.init(requestsPerSecond: config.requestsPerSecond, burst: config.burst ?? 1, maxConcurrent: config.maxConcurrent)
        }

        /// The declaration of the `rateLimit` key.
        public static let field = FieldShape.optional(
            "rateLimit",
            .object([
                .optional("requestsPerSecond", .number(0.001, 100_000), "Requests per second on average (a token bucket)."),
                .optional("burst", .integer(1, 100_000), default: 1, "Requests that may go at once after a quiet spell."),
                .optional("maxConcurrent", .integer(1, 1000), "Requests in flight at once."),
            ]),
            "Pacing of the requests to this host, shared by every job of the server that calls it (the last job to set "
                + "it decides). 429 and 503 answers with `Retry-After`, and `X-RateLimit-Remaining: 0` with "
                + "`X-RateLimit-Reset`, pause every request to the host until then, with or without this block.")
    }

    private struct Bucket {
        var tokens: Double
        var last: Double?
        var pausedUntil: Double = 0
    }

    /// The host this limiter paces.
    public let host: String
    private let settingsStore: Mutex<Settings>
    private let bucket: Mutex<Bucket>
    private let slots: AsyncSlots

    public init(host: String, settings: Settings = Settings()) {
        self.host = host
        self.settingsStore = Mutex(settings)
        self.bucket = Mutex(Bucket(tokens: Double(settings.burst)))
        self.slots = AsyncSlots(capacity: settings.maxConcurrent)
    }

    /// The pace and cap in force.
    public var settings: Settings { settingsStore.withLock { $0 } }

    /// Replaces the pace and cap (a job that configures this host).
    public func configure(_ settings: Settings) {
        settingsStore.withLock { $0 = settings }
        slots.setCapacity(settings.maxConcurrent)
    }

    /// Takes the next request's token at `now` and returns the seconds to wait before sending
    /// it (0 when one is ready and no pause is in force).
    public func reserve(now: Double) -> Double {
        let settings = self.settings
        return bucket.withLock { bucket in
            var wait = max(0, bucket.pausedUntil - now)
            guard let rate = settings.requestsPerSecond else { return wait }
            let burst = Double(settings.burst)
            if let last = bucket.last, now > last {
                bucket.tokens = min(burst, bucket.tokens + (now - last) * rate)
            }
            bucket.last = max(bucket.last ?? now, now)
            bucket.tokens -= 1
            if bucket.tokens < 0 { wait = max(wait, -bucket.tokens / rate) }
            return wait
        }
    }

    /// Holds every request to the host until `until` (a server's `Retry-After` or reset time).
    public func pause(until: Double) {
        bucket.withLock { $0.pausedUntil = max($0.pausedUntil, until) }
    }

    /// When the current pause ends, if one is in force at `now`.
    public func pausedUntil(now: Double) -> Double? {
        bucket.withLock { $0.pausedUntil > now ? $0.pausedUntil : nil }
    }

    /// Waits for a free slot under ``Settings/maxConcurrent``; pair with ``release()``.
    public func acquire() async throws { try await slots.acquire() }

    /// Frees the slot ``acquire()`` took.
    public func release() { slots.release() }

    /// Requests in flight now.
    public var inFlight: Int { slots.inUse }
}

/// A counting semaphore for async callers, whose waiters leave when their task is cancelled.
final class AsyncSlots: Sendable {
    private struct State {
        var capacity: Int?
        var inUse = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    init(capacity: Int?) { state = Mutex(State(capacity: capacity)) }

    var inUse: Int { state.withLock { $0.inUse } }

    func setCapacity(_ capacity: Int?) {
        let woken = state.withLock { state in
            state.capacity = capacity
            return Self.wakeWaiters(&state)
        }
        for continuation in woken { continuation.resume() }
    }

    func acquire() async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Bool? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return false }
                    if state.waiters.isEmpty, state.inUse < (state.capacity ?? Int.max) {
                        state.inUse += 1
                        return true
                    }
                    state.waiters.append((id, continuation))
                    return nil
                }
                switch outcome {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                    return state.waiters.remove(at: index).continuation
                }
                state.cancelled.insert(id)
                return nil
            }
            waiter?.resume(throwing: CancellationError())
        }
        // A slot granted after the cancellation was noted: nothing to undo but the mark.
        state.withLock { _ = $0.cancelled.remove(id) }
    }

    func release() {
        let woken = state.withLock { state in
            state.inUse = max(0, state.inUse - 1)
            return Self.wakeWaiters(&state)
        }
        for continuation in woken { continuation.resume() }
    }

    private static func wakeWaiters(_ state: inout State) -> [CheckedContinuation<Void, any Error>] {
        var woken: [CheckedContinuation<Void, any Error>] = []
        while !state.waiters.isEmpty, state.inUse < (state.capacity ?? Int.max) {
            state.inUse += 1
            woken.append(state.waiters.removeFirst().continuation)
        }
        return woken
    }
}
