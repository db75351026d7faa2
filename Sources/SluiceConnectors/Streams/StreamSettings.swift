import SluiceCore

/// The settings the `sse` and `websocket` sources share: where the read ends, the timeouts of
/// each network step, the size limit of one message and the reconnect policy.
struct StreamSettings: Sendable {
    /// The read ends after this many records (the last message's records are cut to fit).
    var maxRecords: Int?
    /// The read ends this long after it started.
    var maxDuration: Duration?
    /// How long connecting (and the HTTP answer or WebSocket upgrade) may take.
    var connectTimeout: Duration
    /// How long the connection may stay silent before it counts as dropped.
    var idleTimeout: Duration
    /// The largest message or event; a larger one goes to the dead-letter queue unread.
    var maxMessageBytes: Int
    /// Reconnecting after a failed or dropped connection.
    var retry: NetworkRetryPolicy
    /// Records per batch.
    var batchSize: Int
    /// How long a partial batch waits for more messages before it is handed on.
    var quietFlush: Duration = .milliseconds(150)
    /// Whether the read goes on until the job is stopped (``Source/isContinuous``).
    var continuous: Bool
    /// How long a continuous read waits for a message before it hands on an empty chunk (so
    /// the job can commit and notice a stop).
    var idlePoll: Duration = .milliseconds(100)

    static let defaultConnectTimeoutMs = 10_000
    static let defaultIdleTimeoutMs = 60_000
    static let defaultMaxMessageBytes = 16 << 20

    /// Checks the shared keys; errors name the key.
    init(
        maxRecords: Int?, maxDurationMs: Int?, connectTimeoutMs: Int?, idleTimeoutMs: Int?, maxMessageBytes: Int?,
        retry: NetworkRetryPolicy.Config?, batchSize: Int, continuous: Bool? = nil
    ) throws {
        self.continuous = continuous ?? false
        if self.continuous {
            for (key, given) in [("maxRecords", maxRecords != nil), ("maxDurationMs", maxDurationMs != nil)] where given {
                throw SpecError(path: key, "ends the read, and a continuous read goes on until the job is stopped; remove \(key) or continuous")
            }
        } else {
            guard maxRecords != nil || maxDurationMs != nil else {
                throw SpecError(
                    path: "maxRecords",
                    "set maxRecords or maxDurationMs (or both): a stream has no end of its own; or continuous: true to read until the job is stopped")
            }
        }
        func milliseconds(_ value: Int?, _ key: String, default fallback: Int) throws -> Duration {
            let value = value ?? fallback
            guard (1...86_400_000).contains(value) else { throw SpecError(path: key, "must be from 1 to 86400000 milliseconds, got \(value)") }
            return .milliseconds(value)
        }
        if let maxRecords, maxRecords < 1 { throw SpecError(path: "maxRecords", "must be at least 1, got \(maxRecords)") }
        self.maxRecords = maxRecords
        maxDuration = try maxDurationMs.map { try milliseconds($0, "maxDurationMs", default: 0) }
        connectTimeout = try milliseconds(connectTimeoutMs, "connectTimeoutMs", default: Self.defaultConnectTimeoutMs)
        idleTimeout = try milliseconds(idleTimeoutMs, "idleTimeoutMs", default: Self.defaultIdleTimeoutMs)
        let bytes = maxMessageBytes ?? Self.defaultMaxMessageBytes
        guard (1...(1 << 30)).contains(bytes) else { throw SpecError(path: "maxMessageBytes", "must be from 1 to 1073741824, got \(bytes)") }
        self.maxMessageBytes = bytes
        if let retry {
            for (key, value) in [("maxRetries", retry.maxRetries), ("retryDelay", retry.retryDelay), ("maxDelay", retry.maxDelay)] {
                if let value, value < 0 { throw SpecError(path: "retry.\(key)", "must not be negative, got \(value)") }
            }
        }
        self.retry = NetworkRetryPolicy(config: retry)
        self.batchSize = max(1, batchSize)
    }

    /// The declarations of the shared keys, after the source's own.
    static let fields: [FieldShape] = [
        .optional(
            "continuous", .boolean, default: .bool(false),
            "Read until the job is stopped, committing in micro-batches (see the job's `commitEvery`); instead of maxRecords and maxDurationMs."),
        .optional("maxRecords", .integer(1, Int(Int32.max)), "The read ends after this many records; the records of the last message are cut to fit."),
        .optional(
            "maxDurationMs", .integer(1, 86_400_000),
            "The read ends this many milliseconds after it started, with the records received so far."),
        .optional(
            "connectTimeoutMs", .integer(1, 86_400_000), default: .int(defaultConnectTimeoutMs),
            "Milliseconds a connection attempt may take, up to the server's answer; a slower one is a failed attempt."),
        .optional(
            "idleTimeoutMs", .integer(1, 86_400_000), default: .int(defaultIdleTimeoutMs),
            "Milliseconds without any data from the server before the connection counts as dropped and is reopened."),
        .optional(
            "maxMessageBytes", .integer(1, 1 << 30), default: .int(defaultMaxMessageBytes),
            "The largest message or event; a larger one goes to the dead-letter queue without its data."),
        NetworkRetryPolicy.field,
    ]

    /// The rule every stream source's config follows: it must end somewhere, or say it does not.
    static let rules: [ObjectRule] = [.atLeastOne(["maxRecords", "maxDurationMs", "continuous"])]

}
