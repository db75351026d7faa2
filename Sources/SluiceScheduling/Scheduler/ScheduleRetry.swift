/// How a schedule's failed or timed-out runs are tried again.
///
/// The delay before attempt `n + 1` (after attempt `n` failed) is
/// `min(delay × backoffMultiplier^(n-1), maxDelay)`, then multiplied by a random factor in
/// `1 - jitter ... 1 + jitter`; so with jitter the delay may exceed `maxDelay` by up to that
/// fraction. It is counted from the end of the failed attempt.
public struct ScheduleRetry: Sendable, Equatable {
    /// Retries after the first attempt; 0 never retries.
    public var maxRetries: Int
    /// The delay before the first retry.
    public var delay: Duration
    /// Factor applied to the delay after each retry; at least 1.
    public var backoffMultiplier: Double
    /// The largest delay before jitter; `nil` for no cap.
    public var maxDelay: Duration?
    /// Fraction of the delay (0–1) by which it is randomly lengthened or shortened.
    public var jitter: Double

    /// Never retry.
    public static let none = ScheduleRetry(maxRetries: 0, delay: .zero)

    /// A policy with the given settings.
    public init(
        maxRetries: Int, delay: Duration, backoffMultiplier: Double = 1, maxDelay: Duration? = nil, jitter: Double = 0
    ) {
        self.maxRetries = maxRetries
        self.delay = delay
        self.backoffMultiplier = backoffMultiplier
        self.maxDelay = maxDelay
        self.jitter = jitter
    }

    /// The problems with these settings, as (field, reason) pairs; empty when valid.
    func problems() -> [(field: String, reason: String)] {
        var problems: [(field: String, reason: String)] = []
        if maxRetries < 0 { problems.append(("maxRetries", "must be 0 or more, got \(maxRetries)")) }
        if delay < .zero { problems.append(("retryDelay", "must not be negative")) }
        if !(backoffMultiplier >= 1) || !backoffMultiplier.isFinite {
            problems.append(("backoffMultiplier", "must be a finite number of at least 1, got \(backoffMultiplier)"))
        }
        if let maxDelay, maxDelay < .zero { problems.append(("maxDelay", "must not be negative")) }
        if !(0...1).contains(jitter) { problems.append(("jitter", "must be between 0 and 1, got \(jitter)")) }
        return problems
    }

    /// The delay in microseconds before the attempt after `failedAttempt`, drawing from
    /// `random` only when `jitter` is not 0.
    func delayMicroseconds(afterAttempt failedAttempt: Int, random: inout SplitMix64) -> Int64 {
        let cap = maxDelay.map { Double(SchedulerTime.microseconds($0)) }
        // Past about 31 years the exact value no longer matters; stop multiplying there.
        let ceiling = cap ?? 1e15
        var value = Double(SchedulerTime.microseconds(delay))
        var step = 1
        while backoffMultiplier > 1, step < failedAttempt, value < ceiling {
            value *= backoffMultiplier
            step += 1
        }
        value = min(value, ceiling)
        if jitter > 0 {
            value *= 1 + jitter * (2 * random.nextUnit() - 1)
        }
        // Clamped: jitter may lift a delay capped near Int64.max past it.
        return Int64(min(max(0, value), 9.2e18).rounded())
    }
}
