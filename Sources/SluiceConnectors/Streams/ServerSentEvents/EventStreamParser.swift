/// One event of a `text/event-stream`.
public struct ServerSentEvent: Sendable, Equatable {
    /// The event type: the last `event` field's value, `message` when it had none.
    public var type: String
    /// The `data` lines joined with line feeds, as UTF-8 bytes; empty when ``tooLarge``.
    public var data: [UInt8]
    /// The last event ID in force when the event was dispatched (`id` fields persist from
    /// one event to the next).
    public var id: String
    /// Whether the event's data went past the parser's limit and was left out.
    public var tooLarge: Bool

    public init(type: String, data: [UInt8], id: String, tooLarge: Bool = false) {
        self.type = type
        self.data = data
        self.id = id
        self.tooLarge = tooLarge
    }

    /// ``data`` as text.
    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// The event-stream parser of the WHATWG HTML standard ("Interpreting an event stream"), fed
/// the stream in chunks of any size: a leading byte order mark is skipped; lines end with
/// CRLF, LF or CR (a CRLF split between two chunks is one line end); a line starting with a
/// colon is a comment; `field: value` loses one space after the colon, and a line without a
/// colon is a field with an empty value; `event` sets the type, `data` adds a line, `id` sets
/// the last event ID unless its value holds a NUL, `retry` of ASCII digits only sets the
/// reconnection time, and other fields are ignored; an empty line dispatches the event unless
/// it has no data (its `id` still holds). An event still open when the stream ends is dropped.
public struct EventStreamParser: Sendable {
    /// The largest data of one event, in bytes; a larger event is reported with
    /// ``ServerSentEvent/tooLarge`` set and no data, and a longer line is not kept either.
    public let maxEventBytes: Int
    /// The last event ID string: the ID in force at the last empty line (set by `id`
    /// fields, kept from event to event), sent back in `Last-Event-ID` on reconnection.
    public private(set) var lastEventId: String
    /// The reconnection time the server asked for with `retry`, in milliseconds.
    public private(set) var reconnectionTime: Int?

    private var line: [UInt8] = []
    private var lineTooLong = false
    private var data: [UInt8] = []
    private var dataTooLarge = false
    private var hasData = false
    private var eventType = ""
    /// The last event ID buffer: the latest `id` field's value, in force from the next empty line.
    private var idBuffer: String
    private var afterCR = false
    /// Bytes of a possible byte order mark at the start, until it is known to be one or not.
    private var start: [UInt8]? = []

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A parser for a new connection; `lastEventId` carries over from the previous one.
    public init(maxEventBytes: Int = 16 << 20, lastEventId: String = "") {
        self.maxEventBytes = max(1, maxEventBytes)
        self.lastEventId = lastEventId
        idBuffer = lastEventId
    }

    /// Parses `bytes` and returns the events they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if var pending = start {
                // The stream's first bytes: skip a byte order mark, once.
                pending.append(byte)
                if Self.byteOrderMark.starts(with: pending) {
                    start = pending.count == Self.byteOrderMark.count ? nil : pending
                    continue
                }
                start = nil
                for earlier in pending { consume(earlier, into: &events) }
                continue
            }
            consume(byte, into: &events)
        }
        return events
    }

    /// Ends the stream: a partial byte order mark is read as text, and an event without its
    /// closing empty line is dropped, as the standard says.
    public mutating func finish() {
        if let pending = start, !pending.isEmpty {
            start = nil
            var ignored: [ServerSentEvent] = []
            for byte in pending { consume(byte, into: &ignored) }
        }
        line = []
        data = []
        hasData = false
        dataTooLarge = false
        eventType = ""
        idBuffer = lastEventId
    }

    private mutating func consume(_ byte: UInt8, into events: inout [ServerSentEvent]) {
        switch byte {
        case UInt8(ascii: "\n"):
            if afterCR {
                afterCR = false  // the LF of a CRLF
                return
            }
            endLine(into: &events)
        case UInt8(ascii: "\r"):
            afterCR = true
            endLine(into: &events)
        default:
            afterCR = false
            if line.count < maxEventBytes + 16 {
                line.append(byte)
            } else {
                lineTooLong = true
            }
        }
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        defer {
            line.removeAll(keepingCapacity: line.capacity <= 4096)
            lineTooLong = false
        }
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }  // a comment
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let name = line[..<(colon ?? line.endIndex)]
        var valueStart = colon.map { $0 + 1 } ?? line.endIndex
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = line[valueStart...]
        switch String(decoding: name, as: UTF8.self) {
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "data":
            hasData = true
            if lineTooLong || dataTooLarge || data.count + value.count + 1 > maxEventBytes + 1 {
                dataTooLarge = true
                data = []
            } else {
                data += value
                data.append(UInt8(ascii: "\n"))
            }
        case "id":
            if !value.contains(0) { idBuffer = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
                // Digits only; a value past Int's range is clamped rather than trusted.
                reconnectionTime = value.count > 12 ? 999_999_999_999 : Int(String(decoding: value, as: UTF8.self))
            }
        default:
            break
        }
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        defer {
            data = []
            hasData = false
            dataTooLarge = false
            eventType = ""
        }
        lastEventId = idBuffer
        guard hasData else { return }
        if data.last == UInt8(ascii: "\n") { data.removeLast() }
        events.append(ServerSentEvent(type: eventType.isEmpty ? "message" : eventType, data: data, id: lastEventId, tooLarge: dataTooLarge))
    }
}
