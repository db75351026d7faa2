import SluiceCore
import SluiceNATSWire

/// Reads a NATS JetStream stream through a durable pull consumer (created, or its settings
/// updated, when the read opens): messages are fetched in batches
/// (`$JS.API.CONSUMER.MSG.NEXT`), each JSON payload becomes a record, and they are
/// acknowledged only after the target committed, so a failed or killed run leaves them
/// unacknowledged and the server delivers them again once `ackWaitMs` has passed:
/// at-least-once, exactly-once in effect with an upsert target. A batch read ends when a fetch
/// finds nothing within `fetchWaitMs` (or at `maxRecords`); with `continuous` it goes on until
/// the job is stopped (see ``NATSJetStreamReader``).
public struct NATSJetStreamSource: Source {
    public static let type = "nats_jetstream"

    /// `source.config` of a NATS JetStream source.
    public struct Config: Decodable, Sendable {
        public var url: String
        public var stream: String
        public var durable: String
        public var subject: String?
        public var valueField: String?
        public var subjectField: String?
        public var sequenceField: String?
        public var maxRecords: Int?
        public var fetchWaitMs: Int?
        public var ackWaitMs: Int?
        public var maxAckPending: Int?
        public var continuous: Bool?
        public var reconnectTimeoutMs: Int?
        public var connectTimeoutMs: Int?
        public var timeoutMs: Int?
    }

    let endpoint: NATSEndpoint
    let stream: String
    let durable: String
    let subject: String?
    let valueField: String?
    let subjectField: String?
    let sequenceField: String?
    let maxRecords: Int?
    let fetchWaitMs: Int
    var fetchWait: Duration { .milliseconds(fetchWaitMs) }
    let ackWaitMs: Int
    let maxAckPending: Int
    /// Whether the read goes on until the job is stopped (see ``Source/isContinuous``).
    public let isContinuous: Bool
    /// How long a continuous read tries to connect again after losing the connection.
    let reconnectTimeout: Duration
    let context: ComponentContext

    public init(config: Config, context: ComponentContext) throws {
        endpoint = try NATSEndpoint(url: config.url, connectTimeoutMs: config.connectTimeoutMs, timeoutMs: config.timeoutMs)
        stream = try NATSEndpoint.name(config.stream, "stream")
        durable = try NATSEndpoint.name(config.durable, "durable")
        subject = try config.subject.map { try NATSEndpoint.subject($0, "subject", wildcards: true) }
        for (key, value) in [("valueField", config.valueField), ("subjectField", config.subjectField), ("sequenceField", config.sequenceField)] {
            if let value, value.isEmpty { throw SpecError(path: key, "must not be empty") }
        }
        valueField = config.valueField
        subjectField = config.subjectField
        sequenceField = config.sequenceField
        if let maxRecords = config.maxRecords, maxRecords < 1 { throw SpecError(path: "maxRecords", "must be at least 1, got \(maxRecords)") }
        maxRecords = config.maxRecords
        isContinuous = config.continuous ?? false
        if isContinuous, config.maxRecords != nil {
            throw SpecError(path: "maxRecords", "ends the read, and a continuous read goes on until the job is stopped; remove maxRecords or continuous")
        }
        if !isContinuous, config.reconnectTimeoutMs != nil {
            throw SpecError(path: "reconnectTimeoutMs", "applies with continuous: true only (a batch read fails when the connection is lost, and its next run reads the messages again)")
        }
        let fetchWaitMs = try NATSEndpoint.bounded(config.fetchWaitMs, "fetchWaitMs", default: isContinuous ? 100 : 1000, range: 1...3_600_000)
        let ackWaitMs = try NATSEndpoint.bounded(config.ackWaitMs, "ackWaitMs", default: 30_000, range: 100...86_400_000)
        guard fetchWaitMs < ackWaitMs else {
            throw SpecError(path: "fetchWaitMs", "must be shorter than ackWaitMs (\(ackWaitMs) ms), or messages delivered again could keep every fetch busy")
        }
        self.fetchWaitMs = fetchWaitMs
        self.ackWaitMs = ackWaitMs
        maxAckPending = try NATSEndpoint.bounded(config.maxAckPending, "maxAckPending", default: 100_000, range: 1...Int(Int32.max))
        reconnectTimeout = .milliseconds(try NATSEndpoint.bounded(config.reconnectTimeoutMs, "reconnectTimeoutMs", default: 60_000, range: 0...86_400_000))
        self.context = context
    }

    public var location: String { "nats_jetstream:\(endpoint.url.shown)/\(stream)" }

    public func open() async throws -> any BatchReader {
        NATSJetStreamReader(source: self, lease: try await connectToConsumer())
    }

    /// `$JS.API.CONSUMER.<verb>.<stream>.<durable>`.
    func api(_ verb: String) -> String { "$JS.API.CONSUMER.\(verb).\(stream).\(durable)" }

    /// A connection to the server with the durable consumer in place: created when missing,
    /// its `ackWaitMs`, `maxAckPending` and `subject` filter set when it exists (a 2.9 server
    /// keeps what it delivered and what is acknowledged).
    func connectToConsumer() async throws -> NATSConnectionLease {
        let connection = try await endpoint.connect(location: location)
        let lease = NATSConnectionLease(connection)
        let request = JetStreamAPI.CreateConsumer(
            streamName: stream,
            config: JetStreamAPI.ConsumerConfig(
                durableName: durable, ackWait: ackWaitMs * 1_000_000, maxAckPending: maxAckPending, filterSubject: subject))
        let answer = try await JetStreamAPI.request(
            connection, api("DURABLE.CREATE"), payload: try JetStreamAPI.json(request), as: JetStreamAPI.ConsumerInfo.self, location: location,
            doing: "create the consumer '\(durable)'")
        if let error = answer.error {
            await connection.close()
            throw ConnectorError.remote("\(location): could not create the consumer '\(durable)' on stream '\(stream)': \(error.text)")
        }
        return lease
    }
}
