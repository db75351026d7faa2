import Foundation
import SluiceCore
import SluiceNATSWire

/// The parts of the JetStream API (JSON requests on `$JS.API.…` subjects) that the NATS
/// connectors use, as nats-server 2.9 speaks it.
enum JetStreamAPI {
    /// An error answer: `{"error": {"code": 404, "err_code": 10059, "description": "stream not found"}}`.
    struct APIError: Decodable, Sendable, CustomStringConvertible {
        var code: Int?
        var errCode: Int?
        var description: String

        enum CodingKeys: String, CodingKey {
            case code
            case errCode = "err_code"
            case description
        }
    }

    /// The fields of a durable pull consumer this client sets.
    struct ConsumerConfig: Codable, Sendable {
        var durableName: String
        var deliverPolicy = "all"
        var ackPolicy = "explicit"
        var ackWait: Int
        var maxAckPending: Int
        var filterSubject: String?

        enum CodingKeys: String, CodingKey {
            case durableName = "durable_name"
            case deliverPolicy = "deliver_policy"
            case ackPolicy = "ack_policy"
            case ackWait = "ack_wait"
            case maxAckPending = "max_ack_pending"
            case filterSubject = "filter_subject"
        }
    }

    /// `$JS.API.CONSUMER.DURABLE.CREATE.<stream>.<durable>`: creates the consumer, or updates
    /// the settings a 2.9 server lets change on an existing one.
    struct CreateConsumer: Encodable, Sendable {
        var streamName: String
        var config: ConsumerConfig

        enum CodingKeys: String, CodingKey {
            case streamName = "stream_name"
            case config
        }
    }

    /// `$JS.API.CONSUMER.INFO.<stream>.<durable>` (and the answer to creating one).
    struct ConsumerInfo: Decodable, Sendable {
        var error: APIError?
        /// Messages of the stream the consumer has not delivered yet.
        var numPending: Int?
        /// Messages delivered and not yet acknowledged.
        var numAckPending: Int?

        enum CodingKeys: String, CodingKey {
            case error
            case numPending = "num_pending"
            case numAckPending = "num_ack_pending"
        }
    }

    /// `$JS.API.STREAM.INFO.<stream>`: only whether it exists.
    struct StreamInfo: Decodable, Sendable {
        var error: APIError?
    }

    /// `$JS.API.CONSUMER.MSG.NEXT.<stream>.<durable>`: up to `batch` messages; with `noWait`
    /// and `expires`, a 2.9 server answers at once with what is there, and when nothing is,
    /// waits up to `expires` for the first message.
    struct NextRequest: Encodable, Sendable {
        var batch: Int
        /// Nanoseconds.
        var expires: Int
        var noWait = true

        enum CodingKeys: String, CodingKey {
            case batch
            case expires
            case noWait = "no_wait"
        }
    }

    /// The answer to a publish into a stream: `{"stream": "ORDERS", "seq": 7}`, with
    /// `duplicate` when the message ID was seen within the duplicate window, or an error.
    struct PubAck: Decodable, Sendable {
        var stream: String?
        var seq: UInt64?
        var duplicate: Bool?
        var error: APIError?
    }

    /// `body` as JSON.
    static func json(_ body: some Encodable) throws -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(body))
        } catch {
            throw ConnectorError.remote("could not encode a JetStream request: \(error)")
        }
    }

    /// Sends `payload` (JSON, or nothing) to the API subject and decodes the answer; failures
    /// name `location` and say what was asked (`doing`).
    static func request<Answer: Decodable>(
        _ connection: NATSConnection, _ subject: String, payload: [UInt8] = [], as: Answer.Type, location: String, doing: String
    ) async throws -> Answer {
        let answer: NATSMessage
        do {
            answer = try await connection.request(subject, payload: payload)
        } catch NATSError.noResponders {
            throw ConnectorError.remote("\(location): JetStream does not answer (is the server started with JetStream enabled, -js?) when trying to \(doing)")
        } catch {
            throw ConnectorError.remote("\(location): could not \(doing): \(error)")
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(answer.payload))
        } catch {
            throw ConnectorError.remote("\(location): could not \(doing): an answer that is not the expected JSON (\(answer.payload.count) bytes)")
        }
    }
}

extension JetStreamAPI.APIError {
    var text: String {
        var text = description
        if let errCode { text += " (error \(errCode))" }
        return text
    }
}
