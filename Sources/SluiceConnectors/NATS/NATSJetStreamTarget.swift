import Foundation
import Crypto
import SluiceCore
import SluiceNATSWire

/// Publishes records to a NATS JetStream stream: each record as a JSON message to `subject`
/// (or `subject.<value of subjectField>`), with a `Nats-Msg-Id` header (the record's `idField`,
/// or a hash of subject and message), as a request whose answer is the stream's
/// acknowledgement (`{"stream": …, "seq": …}`). Up to `maxInFlight` publishes go out before
/// their acknowledgements are awaited; an error answer fails the job naming it.
///
/// A stream cannot take messages back: they are stored as the job runs, so a failed job
/// leaves what was acknowledged (at-least-once). A micro-batch published again after a
/// failure carries the same message IDs, and the server stores each ID once within the
/// stream's duplicate window (two minutes by default).
public struct NATSJetStreamTarget: Target {
    public static let type = "nats_jetstream"

    /// `target.config` of a NATS JetStream target.
    public struct Config: Decodable, Sendable {
        public var url: String
        public var subject: String
        public var subjectField: String?
        public var idField: String?
        public var stream: String?
        public var maxInFlight: Int?
        public var connectTimeoutMs: Int?
        public var timeoutMs: Int?
    }

    let endpoint: NATSEndpoint
    let subject: String
    let subjectField: String?
    let idField: String?
    let stream: String?
    let maxInFlight: Int

    public init(config: Config, context: ComponentContext) throws {
        endpoint = try NATSEndpoint(url: config.url, connectTimeoutMs: config.connectTimeoutMs, timeoutMs: config.timeoutMs)
        subject = try NATSEndpoint.subject(config.subject, "subject", wildcards: false)
        for (key, value) in [("subjectField", config.subjectField), ("idField", config.idField)] {
            if let value, value.isEmpty { throw SpecError(path: key, "must not be empty") }
        }
        subjectField = config.subjectField
        idField = config.idField
        stream = try config.stream.map { try NATSEndpoint.name($0, "stream") }
        maxInFlight = try NATSEndpoint.bounded(config.maxInFlight, "maxInFlight", default: 1000, range: 1...100_000)
    }

    public var location: String { "nats_jetstream:\(endpoint.url.shown)/\(subject)" }

    public func open(batchSize: Int?) async throws -> any TargetWriter {
        let connection = try await endpoint.connect(location: location)
        let lease = NATSConnectionLease(connection)
        if let stream {
            let info = try await JetStreamAPI.request(
                connection, "$JS.API.STREAM.INFO.\(stream)", as: JetStreamAPI.StreamInfo.self, location: location,
                doing: "look up the stream '\(stream)'")
            if let error = info.error {
                throw ConnectorError.remote(
                    error.errCode == 10059 ? "\(location): the stream '\(stream)' does not exist" : "\(location): the stream '\(stream)': \(error.text)")
            }
        }
        return NATSJetStreamWriter(target: self, lease: lease)
    }

    /// The message of one record, or why it cannot be sent.
    func message(of record: ValueObject, maxBytes: Int) -> Result<NATSOutgoingMessage, Refusal> {
        var subject = subject
        if let subjectField {
            let suffix: String
            switch record[subjectField] {
            case .string(let text)?: suffix = text
            case .int(let number)?: suffix = String(number)
            default: return .failure(Refusal("the record has no text in '\(subjectField)' (subjectField) to end its subject with"))
            }
            subject += "." + suffix
            guard NATSSubject.isPublishable(subject) else {
                return .failure(Refusal("'\(suffix)' of '\(subjectField)' does not make a valid subject (no spaces, wildcards or empty tokens)"))
            }
        }
        let payload = JSONText.bytes(.object(record))
        let id: String
        if let idField {
            switch record[idField] {
            case .string(let text)? where !text.isEmpty: id = text
            case .int(let number)?: id = String(number)
            case nil, .null?: return .failure(Refusal("the record has no '\(idField)' (idField) to de-duplicate it by"))
            case let value?: id = JSONText.string(value)
            }
        } else {
            id = Self.derivedID(subject: subject, payload: payload)
        }
        var headers = NATSHeaders()
        do {
            try headers.append("Nats-Msg-Id", id)
            if let stream { try headers.append("Nats-Expected-Stream", stream) }
        } catch {
            return .failure(Refusal("'\(idField ?? "")' cannot be a message ID: \(error)"))
        }
        let size = headers.bytes.count + payload.count
        guard size <= maxBytes else {
            return .failure(Refusal("the message is \(size) bytes, more than the server takes (max_payload \(maxBytes) bytes)"))
        }
        return .success(NATSOutgoingMessage(subject: subject, headers: headers, payload: payload))
    }

    /// The message ID of a record without `idField`: the SHA-256 of its subject and JSON, in
    /// hex, so the same record published again is the same message.
    static func derivedID(subject: String, payload: [UInt8]) -> String {
        var hash = SHA256()
        hash.update(data: Array(subject.utf8) + [0x0A])
        hash.update(data: payload)
        return hash.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Why a record is not published.
    struct Refusal: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

/// One run's publishes to a JetStream stream (see ``NATSJetStreamTarget``).
final class NATSJetStreamWriter: RejectingTargetWriter {
    private let target: NATSJetStreamTarget
    private let lease: NATSConnectionLease
    private var connection: NATSConnection { lease.connection }

    init(target: NATSJetStreamTarget, lease: NATSConnectionLease) {
        self.target = target
        self.lease = lease
    }

    func write(_ batch: RecordBatch) async throws -> Int {
        try await writeReportingRejections(batch).bytes
    }

    /// Publishes the batch, at most `maxInFlight` messages before their acknowledgements are
    /// awaited, and returns once the stream acknowledged every one; records that make no
    /// message (no ID, a subject suffix that is not one, too large) are refused.
    func writeReportingRejections(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        var rejected: [Rejection] = []
        var outgoing: [NATSOutgoingMessage] = []
        let maxBytes = connection.maxMessageBytes
        for row in 0..<batch.count {
            let record = batch.record(at: row)
            switch target.message(of: record, maxBytes: maxBytes) {
            case .success(let message): outgoing.append(message)
            case .failure(let refusal):
                rejected.append(Rejection(record: .object(record), reasons: [refusal.reason], position: batch.positions[row], stage: "target"))
            }
        }
        var bytes = 0
        var start = 0
        while start < outgoing.count {
            let window = Array(outgoing[start..<min(outgoing.count, start + target.maxInFlight)])
            start += window.count
            try await publish(window)
            bytes += window.reduce(0) { $0 + $1.payload.count }
        }
        return (bytes, rejected)
    }

    /// Publishes `messages` together and checks each acknowledgement.
    private func publish(_ messages: [NATSOutgoingMessage]) async throws {
        let answers: [Result<NATSMessage, NATSError>]
        do {
            answers = try await connection.requests(messages, timeout: target.endpoint.requestTimeout)
        } catch {
            throw ConnectorError.remote("\(target.location): \(error)")
        }
        for (message, answer) in zip(messages, answers) {
            let id = message.headers?["Nats-Msg-Id"] ?? ""
            let reply: NATSMessage
            switch answer {
            case .success(let message): reply = message
            case .failure:
                throw ConnectorError.remote(
                    "\(target.location): no JetStream stream takes subject '\(message.subject)' (nothing answered the publish); create a stream whose subjects include it")
            }
            let ack: JetStreamAPI.PubAck
            do {
                ack = try JSONDecoder().decode(JetStreamAPI.PubAck.self, from: Data(reply.payload))
            } catch {
                throw ConnectorError.remote("\(target.location): the answer to message '\(id)' on '\(message.subject)' is not a JetStream acknowledgement")
            }
            if let error = ack.error {
                throw ConnectorError.remote("\(target.location): the server refused message '\(id)' on '\(message.subject)': \(error.text)")
            }
            guard ack.stream != nil, ack.seq != nil else {
                throw ConnectorError.remote("\(target.location): the answer to message '\(id)' on '\(message.subject)' is not a JetStream acknowledgement")
            }
        }
    }

    /// Nothing to do: every message was acknowledged as it was written.
    func commit() async throws {}

    /// Nothing can be taken back: what the stream acknowledged stays (at-least-once).
    func abort() async {}
}

extension NATSJetStreamTarget: ContinuingTarget {
    /// Every micro-batch publishes to the same subjects: a stream only ever adds messages.
    public func continuing() throws -> any Target { self }
}
