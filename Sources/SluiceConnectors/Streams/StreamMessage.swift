import SluiceCore

/// The records of one WebSocket message or one server-sent event, decoded where it arrived.
struct StreamMessage: Sendable {
    /// The records, in order; they all carry ``position``.
    var records: [ValueObject]
    /// What of the message went to the dead-letter queue.
    var rejected: [Rejection]
    /// The message's sequence number in the read (1 for the first message).
    var position: Int
    /// The bytes the message took on the wire.
    var bytes: Int

    /// Decodes JSON `data`: an object is one record, an array's objects are one record each
    /// (an element that is not an object is refused on its own), anything else is refused
    /// whole. `describe` names the message in reasons (`message 7`, `event 'a1' (#7)`), and
    /// `rawRecord` is what the dead-letter queue keeps of a message that is refused whole.
    static func decoding(
        _ data: [UInt8], position: Int, describe: String, rawRecord: () -> Value, adding extra: [(String, Value)] = []
    ) -> StreamMessage {
        var message = StreamMessage(records: [], rejected: [], position: position, bytes: data.count)
        func refuse(_ record: Value, _ reason: String) {
            message.rejected.append(Rejection(record: record, reasons: [reason], position: position, stage: "source"))
        }
        func record(_ object: ValueObject) -> ValueObject {
            var object = object
            for (key, value) in extra { object[key] = value }
            return object
        }
        let value: Value
        do {
            value = try JSONParser.parse(data)
        } catch {
            refuse(rawRecord(), "\(describe) is not JSON: \(error.message) at byte \(error.offset)")
            return message
        }
        switch value {
        case .object(let object):
            message.records = [record(object)]
        case .array(let elements):
            message.records.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                if case .object(let object) = element {
                    message.records.append(record(object))
                } else {
                    refuse(element, "element \(index) of \(describe) is not an object")
                }
            }
        default:
            refuse(value, "\(describe) is neither an object nor an array of objects")
        }
        return message
    }

    /// A message refused whole without being parsed (too large).
    static func refused(_ record: Value, reason: String, position: Int, bytes: Int) -> StreamMessage {
        StreamMessage(
            records: [], rejected: [Rejection(record: record, reasons: [reason], position: position, stage: "source")], position: position,
            bytes: bytes)
    }
}
