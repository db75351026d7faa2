import Logging
import SluiceCore
import SluiceRedisWire

/// Reads a Redis stream through a consumer group: the entries this consumer was given but never
/// acknowledged (a run that failed), then entries another consumer left pending for longer than
/// `claimIdleMs` (taken over with `XAUTOCLAIM`), then new ones (`XREADGROUP … >`), until
/// `maxRecords` or until no new entry arrives within `blockMs`. The entries are acknowledged
/// (`XACK`) only after the target committed, so a failed or killed run leaves them pending and
/// the next run reads them again: at-least-once, exactly-once in effect with an upsert target.
/// With `continuous` the read goes on until the job is stopped (see ``RedisStreamReader``).
public struct RedisStreamSource: Source {
    public static let type = "redis_stream"

    /// `source.config` of a Redis stream source.
    public struct Config: Decodable, Sendable {
        public var url: String
        public var stream: String
        public var group: String
        public var consumer: String?
        public var start: String?
        public var valueField: String?
        public var idField: String?
        public var maxRecords: Int?
        public var blockMs: Int?
        public var claimIdleMs: Int?
        public var connectTimeoutMs: Int?
        public var timeoutMs: Int?
        public var continuous: Bool?
        public var reconnectTimeoutMs: Int?
    }

    let endpoint: RedisEndpoint
    let stream: String
    let group: String
    let consumer: String
    let start: String
    let valueField: String?
    let idField: String?
    let maxRecords: Int?
    let blockMs: Int
    var block: Duration { .milliseconds(blockMs) }
    let claimIdleMs: Int
    /// Whether the read goes on until the job is stopped (see ``Source/isContinuous``).
    public let isContinuous: Bool
    /// How long a continuous read tries to connect again after losing the connection.
    let reconnectTimeout: Duration
    let context: ComponentContext

    public init(config: Config, context: ComponentContext) throws {
        endpoint = try RedisEndpoint(url: config.url, connectTimeoutMs: config.connectTimeoutMs, timeoutMs: config.timeoutMs)
        func name(_ value: String, _ key: String) throws -> String {
            guard !value.isEmpty, value.utf8.count <= 1024 else { throw SpecError(path: key, "must be 1 to 1024 bytes long") }
            return value
        }
        stream = try name(config.stream, "stream")
        group = try name(config.group, "group")
        consumer = try name(config.consumer ?? "sluice", "consumer")
        start = config.start ?? "0"
        guard start == "0" || start == "$" || RedisStreamID(start) != nil else {
            throw SpecError(path: "start", "expected 0 (the whole stream), $ (new entries only) or an entry ID like 1700000000000-0, got '\(start)'")
        }
        valueField = config.valueField
        idField = config.idField
        if let maxRecords = config.maxRecords, maxRecords < 1 { throw SpecError(path: "maxRecords", "must be at least 1, got \(maxRecords)") }
        maxRecords = config.maxRecords
        isContinuous = config.continuous ?? false
        if isContinuous, config.maxRecords != nil {
            throw SpecError(path: "maxRecords", "ends the read, and a continuous read goes on until the job is stopped; remove maxRecords or continuous")
        }
        if !isContinuous, config.reconnectTimeoutMs != nil {
            throw SpecError(path: "reconnectTimeoutMs", "applies with continuous: true only (a batch read fails when the connection is lost, and its next run reads the entries again)")
        }
        blockMs = try RedisEndpoint.bounded(config.blockMs, "blockMs", default: isContinuous ? 100 : 1000, range: 1...3_600_000)
        reconnectTimeout = .milliseconds(try RedisEndpoint.bounded(config.reconnectTimeoutMs, "reconnectTimeoutMs", default: 60_000, range: 0...86_400_000))
        claimIdleMs = try RedisEndpoint.bounded(config.claimIdleMs, "claimIdleMs", default: 60_000, range: 0...86_400_000)
        self.context = context
    }

    public var location: String { "redis_stream:\(endpoint.url.shown)/\(stream)" }

    public func open() async throws -> any BatchReader {
        RedisStreamReader(source: self, lease: try await connectToGroup())
    }

    /// A connection to the server with the consumer group in place (created at `start` with
    /// the stream when missing; an existing group goes on from where it was).
    func connectToGroup() async throws -> RedisConnectionLease {
        let connection = try await endpoint.connect(location: location)
        do {
            _ = try await connection.send(RESPCommand(["XGROUP", "CREATE", stream, group, start, "MKSTREAM"]))
        } catch let error as RedisError where error.serverCode == "BUSYGROUP" {
            // The group exists: it goes on from where it was.
        } catch {
            await connection.close()
            throw ConnectorError.remote("\(location): could not create consumer group '\(group)': \(error)")
        }
        return RedisConnectionLease(connection)
    }
}

/// A stream entry ID (`1700000000000-0`).
struct RedisStreamID: Hashable {
    var milliseconds: UInt64
    var sequence: UInt64

    /// Parses an ID as the server sends it (`<ms>-<seq>`, decimal); `nil` for anything else.
    init?(bytes: [UInt8]) {
        var parts: (UInt64, UInt64) = (0, 0)
        var second = false
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: "-"), !second, digits > 0 {
                second = true
                digits = 0
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10, digits < 20 else { return nil }
            let (times, overflowTimes) = (second ? parts.1 : parts.0).multipliedReportingOverflow(by: 10)
            let (next, overflowPlus) = times.addingReportingOverflow(UInt64(digit))
            guard !overflowTimes, !overflowPlus else { return nil }
            if second { parts.1 = next } else { parts.0 = next }
            digits += 1
        }
        guard second, digits > 0 else { return nil }
        milliseconds = parts.0
        sequence = parts.1
    }

    /// `<ms>-<seq>`, as commands take it.
    var bytes: [UInt8] { Array("\(milliseconds)-\(sequence)".utf8) }

    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let milliseconds = UInt64(parts[0]), let sequence = UInt64(parts[1]) else { return nil }
        self.milliseconds = milliseconds
        self.sequence = sequence
    }
}
