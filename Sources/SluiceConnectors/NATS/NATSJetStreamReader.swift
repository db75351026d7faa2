import SluiceCore
import SluiceNATSWire

/// One read of a JetStream stream through its durable pull consumer (see ``NATSJetStreamSource``).
///
/// Each fetch asks for up to a batch of messages and is answered at once with what is there,
/// or after up to `fetchWaitMs` when nothing is; a batch read ends at the first fetch that
/// finds nothing. A continuous read never ends by itself: an empty fetch hands on an empty
/// chunk (so the job can commit and notice a stop), and a lost connection is made again (for
/// up to `reconnectTimeoutMs`) before the read goes on. Messages the old connection never
/// brought back stay unacknowledged on the server, which delivers them again after
/// `ackWaitMs`; those this read already handed on are acknowledged after the commit through
/// the new connection.
final class NATSJetStreamReader: CommitAwareReader {
    private let source: NATSJetStreamSource
    private var lease: NATSConnectionLease
    private var connection: NATSConnection { lease.connection }
    /// The messages this read handed on, by stream sequence, with the acknowledgement subject
    /// of their latest delivery: a message delivered again (its `ackWaitMs` passed while the
    /// read went on) is not handed on twice.
    private var delivered: [UInt64: String] = [:]
    private var records = 0
    private var position = 0
    private var done = false

    init(source: NATSJetStreamSource, lease: NATSConnectionLease) {
        self.source = source
        self.lease = lease
    }

    /// How many messages the next fetch asks for: a batch, no more than `maxRecords` leaves,
    /// and no more than the consumer delivers before this read acknowledges (`maxAckPending`).
    private var room: Int {
        var room = max(1, source.context.batchSize)
        if let maxRecords = source.maxRecords { room = min(room, maxRecords - records) }
        return min(room, source.maxAckPending - delivered.count)
    }

    func next() async throws -> SourceChunk? {
        while !done {
            let room = room
            guard room > 0 else {
                // maxRecords reached, or (a batch read) maxAckPending messages await the commit.
                guard source.isContinuous, records < (source.maxRecords ?? Int.max) else {
                    done = true
                    return nil
                }
                // The server delivers no more until the job commits and this read acknowledges.
                try await Task.sleep(for: source.fetchWait)
                return SourceChunk(batch: RecordBatch(records: []))
            }
            let started = ContinuousClock.now
            let messages: [NATSMessage]
            do {
                messages = try await fetch(room)
            } catch is Reconnected {
                continue
            }
            let (chunk, fetched) = try chunk(of: messages)
            if fetched == 0 {
                // Nothing within fetchWaitMs: the read has caught up.
                guard source.isContinuous else {
                    done = true
                    return nil
                }
                // A server that answers an empty fetch at once is not asked again at once.
                let elapsed = ContinuousClock.now - started
                if elapsed < source.fetchWait { try await Task.sleep(for: source.fetchWait - elapsed) }
                return chunk
            }
            // Only messages delivered again: a batch read fetches on, a continuous one hands
            // on the empty chunk.
            if chunk.batch.isEmpty, chunk.rejected.isEmpty, !source.isContinuous { continue }
            return chunk
        }
        return nil
    }

    /// `$JS.API.CONSUMER.MSG.NEXT` for up to `count` messages, answered at once with what is
    /// there or after up to `fetchWaitMs`; the last message may be the status that ended it.
    private func fetch(_ count: Int) async throws -> [NATSMessage] {
        let request = JetStreamAPI.NextRequest(batch: count, expires: source.fetchWaitMs * 1_000_000)
        do {
            return try await connection.collect(
                source.api("MSG.NEXT"), payload: try JetStreamAPI.json(request), maxMessages: count,
                timeout: source.fetchWait + source.endpoint.requestTimeout)
        } catch let error as NATSError {
            try await recover(from: error, doing: "fetch messages")
        }
    }

    /// A continuous read's lost connection is made again (then ``Reconnected`` is thrown, and
    /// what failed starts over); anything else fails the read naming the source.
    private func recover(from error: NATSError, doing: String) async throws -> Never {
        switch error {
        case .connection where source.isContinuous, .timeout where source.isContinuous, .server where source.isContinuous:
            try await reconnect(after: error)
            throw Reconnected()
        case .noResponders:
            throw ConnectorError.remote(
                "\(source.location): nothing answers when trying to \(doing) (is JetStream enabled, and does the consumer '\(source.durable)' still exist?)")
        default:
            throw ConnectorError.remote("\(source.location): could not \(doing): \(error)")
        }
    }

    /// The connection was lost and a new one is in place; what needed it starts again.
    private struct Reconnected: Error {}

    /// Connects again (a continuous read whose server restarted or whose connection broke),
    /// trying with growing pauses for up to `reconnectTimeoutMs`.
    private func reconnect(after error: NATSError) async throws {
        await connection.close()
        lease = try await Reconnection.connect(location: source.location, lost: error, timeout: source.reconnectTimeout) {
            try await source.connectToConsumer()
        }
    }

    /// The records of a fetch's messages and how many messages (not statuses) it brought. A
    /// status that is not the end of a fetch (`409 Consumer Deleted`, `400 Bad Request`) fails
    /// the read naming it.
    private func chunk(of messages: [NATSMessage]) throws -> (SourceChunk, fetched: Int) {
        var batch: [ValueObject] = []
        var positions: [Int] = []
        var rejected: [Rejection] = []
        var bytes = 0
        var fetched = 0
        for message in messages {
            if let status = message.status {
                // 404 No Messages, 408 Request Timeout: the fetch is over.
                guard status == 404 || status == 408 else {
                    let description = message.headers?.statusDescription ?? ""
                    throw ConnectorError.remote("\(source.location): the server ended a fetch with status \(status)\(description.isEmpty ? "" : " \(description)")")
                }
                continue
            }
            guard let reply = message.replyTo, let ack = JetStreamAckSubject(reply) else {
                throw ConnectorError.remote("\(source.location): a message on '\(message.subject)' without a JetStream acknowledgement subject")
            }
            fetched += 1
            guard delivered[ack.streamSequence] == nil else {
                delivered[ack.streamSequence] = reply
                continue
            }
            delivered[ack.streamSequence] = reply
            position += 1
            records += 1
            bytes += message.payload.count
            switch record(of: message, sequence: ack.streamSequence) {
            case .success(let record):
                batch.append(record)
                positions.append(position)
            case .failure(let refusal):
                rejected.append(Rejection(record: refusal.record, reasons: [refusal.reason], position: position, stage: "source"))
            }
        }
        return (SourceChunk(batch: RecordBatch(records: batch, positions: positions), rejected: rejected, bytes: bytes), fetched)
    }

    private struct Refusal: Error {
        var record: Value
        var reason: String
    }

    /// A message's record: its payload's JSON object, or with `valueField` its JSON value in
    /// that field; with `subjectField` and `sequenceField` its subject and stream sequence added.
    private func record(of message: NATSMessage, sequence: UInt64) -> Result<ValueObject, Refusal> {
        // The message's name and payload as text, for the dead-letter queue: built only for a refused message.
        var what: String { "message \(sequence) (subject \(message.subject))" }
        var raw: Value { .string(String(decoding: message.payload, as: UTF8.self)) }
        let value: Value
        do {
            value = try JSONParser.parse(message.payload)
        } catch {
            let kind = source.valueField == nil ? "not a JSON object" : "not JSON"
            return .failure(Refusal(record: raw, reason: "\(what): \(kind): \(error.message) at byte \(error.offset)"))
        }
        var record = ValueObject()
        if let valueField = source.valueField {
            record[valueField] = value
        } else {
            guard case .object(let object) = value else {
                return .failure(Refusal(record: raw, reason: "\(what): not a JSON object: \(Self.kind(of: value))"))
            }
            record = object
        }
        if let subjectField = source.subjectField { record[subjectField] = .string(message.subject) }
        if let sequenceField = source.sequenceField { record[sequenceField] = Int(exactly: sequence).map(Value.int) ?? .string(String(sequence)) }
        return .success(record)
    }

    /// `an array`, `a number`, … for a refusal.
    private static func kind(of value: Value) -> String {
        switch value {
        case .array: return "an array"
        case .string: return "a string"
        case .null: return "null"
        case .bool: return "a boolean"
        case .object: return "an object"
        case .int, .double: return "a number"
        case .timestamp: return "a date"
        }
    }

    /// Acknowledges every message the read handed on, the refused ones too (they are in the
    /// dead-letter queue now and must not come back), each with `+ACK` to its acknowledgement
    /// subject as a request: the server's answer says the acknowledgement is recorded. A lost
    /// connection (continuous) is made again and the acknowledgements repeated (acknowledging
    /// twice does nothing).
    func targetCommitted() async throws {
        while !delivered.isEmpty {
            let chunk = Array(delivered.prefix(1000))
            let acks = chunk.map { NATSOutgoingMessage(subject: $0.value, payload: Array("+ACK".utf8)) }
            do {
                let answers = try await connection.requests(acks)
                for case .failure(let error) in answers {
                    throw ConnectorError.remote("\(source.location): an acknowledgement was not taken: \(error) (does the consumer '\(source.durable)' still exist?)")
                }
            } catch let error as NATSError {
                do {
                    try await recover(from: error, doing: "acknowledge messages")
                } catch is Reconnected {
                    continue
                }
            }
            for (sequence, _) in chunk { delivered[sequence] = nil }
        }
    }

    /// The consumer's lag: messages of the stream it has not delivered yet (`num_pending` of
    /// the consumer's info); `nil` when the server cannot be asked now.
    func consumerLag() async throws -> Int? {
        let info = try? await JetStreamAPI.request(
            connection, source.api("INFO"), as: JetStreamAPI.ConsumerInfo.self, location: source.location, doing: "read the consumer's info")
        guard let info, info.error == nil else { return nil }
        return info.numPending
    }
}
