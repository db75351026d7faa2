import NIOCore

/// One operation as the client sends it. Subjects and headers are checked where the command is
/// made (see ``NATSConnection``); `write(into:)` only writes.
public enum NATSCommand: Sendable, Equatable {
    /// `CONNECT {…}` with the options' JSON.
    case connect([UInt8])
    /// `PUB` (no headers) or `HPUB` (with a header block).
    case publish(subject: String, replyTo: String?, headers: NATSHeaders?, payload: [UInt8])
    /// `SUB <subject> <sid>`.
    case subscribe(subject: String, sid: String)
    /// `UNSUB <sid> [max]`: ends the subscription now, or after `after` more messages.
    case unsubscribe(sid: String, after: Int?)
    case ping
    case pong

    /// The command's bytes on the wire, appended to `buffer`.
    public func write(into buffer: inout ByteBuffer) {
        switch self {
        case .connect(let json):
            buffer.writeStaticString("CONNECT ")
            buffer.writeBytes(json)
            buffer.writeStaticString("\r\n")
        case .publish(let subject, let replyTo, let headers, let payload):
            let block = headers?.bytes ?? []
            buffer.writeString(headers == nil ? "PUB " : "HPUB ")
            buffer.writeString(subject)
            if let replyTo {
                buffer.writeStaticString(" ")
                buffer.writeString(replyTo)
            }
            if headers != nil { buffer.writeString(" \(block.count)") }
            buffer.writeString(" \(block.count + payload.count)\r\n")
            buffer.writeBytes(block)
            buffer.writeBytes(payload)
            buffer.writeStaticString("\r\n")
        case .subscribe(let subject, let sid):
            buffer.writeString("SUB \(subject) \(sid)\r\n")
        case .unsubscribe(let sid, let after):
            buffer.writeString(after.map { "UNSUB \(sid) \($0)\r\n" } ?? "UNSUB \(sid)\r\n")
        case .ping:
            buffer.writeStaticString("PING\r\n")
        case .pong:
            buffer.writeStaticString("PONG\r\n")
        }
    }

    /// The bytes a publish takes against the server's `max_payload` (header block and payload).
    var messageBytes: Int {
        guard case .publish(_, _, let headers, let payload) = self else { return 0 }
        return (headers?.bytes.count ?? 0) + payload.count
    }
}
