import SluiceCore

/// How a network connector retries a failed attempt inside one run (the `retry` block; a
/// schedule's retries of a whole run are ``SluiceCore/RetryPolicy``): up to ``maxRetries``
/// more attempts, each after an exponential backoff with full jitter (a random share of
/// `retryDelay · 2^attempt`, at most `maxDelay`). Which failures are transient is the
/// connector's call (connection errors, timeouts, 5xx and 429 for HTTP); a failure that is
/// not, such as a 4xx answer, fails at once.
public struct NetworkRetryPolicy: Sendable, Equatable {
    /// Attempts after the first.
    public var maxRetries: Int
    /// Milliseconds of the first backoff, doubled at each further attempt.
    public var retryDelayMs: Int
    /// The longest backoff, and the longest wait a server's `Retry-After` is honoured for.
    public var maxDelayMs: Int

    public init(maxRetries: Int, retryDelayMs: Int, maxDelayMs: Int) {
        self.maxRetries = max(0, maxRetries)
        self.retryDelayMs = max(0, retryDelayMs)
        self.maxDelayMs = max(0, maxDelayMs)
    }

    /// Three retries, starting at half a second, never waiting more than 30 seconds.
    public static let standard = NetworkRetryPolicy(maxRetries: 3, retryDelayMs: 500, maxDelayMs: 30_000)

    /// No retries at all.
    public static let none = NetworkRetryPolicy(maxRetries: 0, retryDelayMs: 0, maxDelayMs: 0)

    /// The `retry` block of a connector's config; every key is optional.
    public struct Config: Decodable, Sendable, Equatable {
        /// Attempts after the first (default 3).
        public var maxRetries: Int?
        /// Milliseconds of the first backoff (default 500).
        public var retryDelay: Int?
        /// Milliseconds of the longest backoff (default 30000).
        public var maxDelay: Int?

        public init(maxRetries: Int? = nil, retryDelay: Int? = nil, maxDelay: Int? = nil) {
            self.maxRetries = maxRetries
            self.retryDelay = retryDelay
            self.maxDelay = maxDelay
        }
    }

    /// The policy a `retry` block asks for, the standard one's values where it is silent.
    public init(config: Config?) {
        let standard = Self.standard
        self.init(
            maxRetries: config?.maxRetries ?? standard.maxRetries,
            retryDelayMs: config?.retryDelay ?? standard.retryDelayMs,
            maxDelayMs: config?.maxDelay ?? standard.maxDelayMs)
    }

    /// The declaration of the `retry` key, shared by every network connector.
    public static let field = FieldShape.optional(
        "retry",
        .object([
            .optional("maxRetries", .integer(0, 100), default: 3, "Attempts after the first."),
            .optional("retryDelay", .integer(0, 3_600_000), default: 500, "Milliseconds of the first backoff, doubled at each further attempt (with full jitter)."),
            .optional("maxDelay", .integer(0, 3_600_000), default: 30_000, "Milliseconds of the longest backoff (and, for HTTP, the longest `Retry-After` honoured)."),
        ]),
        "Retries inside the run for transient failures (connection errors, timeouts, 5xx and 429); other errors fail at once.")

    /// The longest backoff before the attempt after `attempt` (0 for the first retry).
    public func ceilingSeconds(attempt: Int) -> Double {
        let doubled = Double(retryDelayMs) * Double(1 << min(max(0, attempt), 30))
        return min(Double(maxDelayMs), doubled) / 1000
    }

    /// The backoff before the attempt after `attempt`: `random` (in 0..<1) of the ceiling.
    public func delaySeconds(attempt: Int, random: Double) -> Double {
        ceilingSeconds(attempt: attempt) * min(max(random, 0), 1)
    }

    /// The backoff before the attempt after `attempt`, with a fresh random share.
    public func delaySeconds(attempt: Int) -> Double {
        delaySeconds(attempt: attempt, random: Double.random(in: 0..<1))
    }

    /// A server's requested wait (`Retry-After`), capped at ``maxDelayMs``.
    public func honoured(retryAfterSeconds seconds: Double) -> Double {
        min(max(0, seconds), Double(maxDelayMs) / 1000)
    }
}
