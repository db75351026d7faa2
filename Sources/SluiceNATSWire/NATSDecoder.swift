import Foundation
import NIOCore

/// Reads the operations a NATS server sends, one whole operation at a time.
///
/// Every length is checked before anything is allocated, so a hostile or broken server cannot
/// make the client reserve memory it did not send: a control line may be at most
/// `maxLineBytes` long, a message's payload at most the server's `INFO` `max_payload` (and
/// never more than the cap given at creation, ``absoluteMaxPayloadBytes`` by default), and a
/// header block at most `maxHeaderBytes`. Anything else is a ``NATSError/protocolViolation(_:)``
/// naming what was wrong.
public struct NATSDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = NATSServerOperation

    /// The largest payload this client ever takes, whatever the server announces.
    public static let absoluteMaxPayloadBytes = 64 << 20

    /// The longest control line (`INFO` carries the server's JSON, so it is generous).
    public let maxLineBytes: Int
    /// The largest header block of an `HMSG`.
    public let maxHeaderBytes: Int
    /// The largest payload now: the cap, lowered to the server's `max_payload` once `INFO` says it.
    public private(set) var maxPayloadBytes: Int
    private let payloadCap: Int

    public init(maxPayloadBytes: Int = absoluteMaxPayloadBytes, maxHeaderBytes: Int = 64 << 10, maxLineBytes: Int = 64 << 10) {
        payloadCap = max(0, min(maxPayloadBytes, Self.absoluteMaxPayloadBytes))
        self.maxPayloadBytes = payloadCap
        self.maxHeaderBytes = max(0, maxHeaderBytes)
        self.maxLineBytes = max(16, maxLineBytes)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let operation = try parse(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(operation))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// One whole operation from the front of `buffer`, which is then moved past it; nil (and
    /// `buffer` untouched) when the operation has not fully arrived.
    public mutating func parse(_ buffer: inout ByteBuffer) throws(NATSError) -> NATSServerOperation? {
        var cursor = buffer
        guard let line = try line(&cursor) else { return nil }
        let words = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        guard let first = words.first else { throw .protocolViolation("an empty control line") }
        let name = String(decoding: first.prefix(8), as: UTF8.self).uppercased()
        let arguments = Array(words.dropFirst())
        let operation: NATSServerOperation
        switch name {
        case "MSG":
            guard let message = try message(arguments, headers: false, &cursor) else { return nil }
            operation = .message(message)
        case "HMSG":
            guard let message = try message(arguments, headers: true, &cursor) else { return nil }
            operation = .message(message)
        case "PING" where words.count == 1:
            operation = .ping
        case "PONG" where words.count == 1:
            operation = .pong
        case "+OK" where words.count == 1:
            operation = .ok
        case "-ERR":
            var text = String(decoding: line.dropFirst(4), as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") { text = String(text.dropFirst().dropLast()) }
            operation = .error(NATSSubject.shown(text))
        case "INFO":
            let json = line.dropFirst(4)
            let info: NATSServerInfo
            do {
                info = try JSONDecoder().decode(NATSServerInfo.self, from: Data(json))
            } catch {
                throw .protocolViolation("an INFO whose JSON cannot be read")
            }
            if let announced = info.maxPayload {
                guard announced > 0 else { throw .protocolViolation("an INFO announcing a max_payload of \(announced)") }
                maxPayloadBytes = min(payloadCap, announced)
            }
            operation = .info(info)
        default:
            throw .protocolViolation("an unknown operation '\(NATSSubject.shown(String(decoding: first.prefix(40), as: UTF8.self)))'")
        }
        buffer = cursor
        return operation
    }

    /// `MSG <subject> <sid> [reply-to] <size>` or `HMSG <subject> <sid> [reply-to] <header size>
    /// <total size>`, then the bytes; nil when they have not all arrived.
    private func message(_ arguments: [ArraySlice<UInt8>], headers: Bool, _ buffer: inout ByteBuffer) throws(NATSError) -> NATSMessage? {
        let sizes = headers ? 2 : 1
        let what = headers ? "HMSG" : "MSG"
        guard arguments.count == 2 + sizes || arguments.count == 3 + sizes else {
            throw .protocolViolation("a \(what) line with \(arguments.count) arguments")
        }
        let total = try size(arguments[arguments.count - 1])
        let headerBytes = headers ? try size(arguments[arguments.count - 2]) : 0
        if headers {
            guard headerBytes <= total else { throw .protocolViolation("an HMSG whose header size \(headerBytes) is larger than its total size \(total)") }
            guard headerBytes <= maxHeaderBytes else { throw .protocolViolation("a header block of \(headerBytes) bytes (the limit is \(maxHeaderBytes))") }
        }
        let payloadBytes = total - headerBytes
        guard payloadBytes <= maxPayloadBytes else { throw .protocolViolation("a payload of \(payloadBytes) bytes (the limit is \(maxPayloadBytes))") }
        guard buffer.readableBytes >= total + 2 else { return nil }
        let headerBlock = buffer.readBytes(length: headerBytes) ?? []
        let payload = buffer.readBytes(length: payloadBytes) ?? []
        guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { throw .protocolViolation("a \(what) payload not ended by CRLF") }
        return NATSMessage(
            subject: String(decoding: arguments[0], as: UTF8.self),
            sid: String(decoding: arguments[1], as: UTF8.self),
            replyTo: arguments.count == 3 + sizes ? String(decoding: arguments[2], as: UTF8.self) : nil,
            headers: headers ? try NATSHeaders.parse(headerBlock) : nil,
            payload: payload)
    }

    /// A size argument: decimal digits only, at most 10 of them (no sign, no overflow).
    private func size(_ text: ArraySlice<UInt8>) throws(NATSError) -> Int {
        guard (1...10).contains(text.count), text.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(String(decoding: text, as: UTF8.self)) else {
            throw .protocolViolation("'\(NATSSubject.shown(String(decoding: text.prefix(40), as: UTF8.self)))' is not a size")
        }
        return value
    }

    /// The bytes up to the next CRLF (which is consumed); nil when it has not arrived.
    private func line(_ buffer: inout ByteBuffer) throws(NATSError) -> ArraySlice<UInt8>? {
        let view = buffer.readableBytesView
        // No line is searched beyond the limit: a server that never sends a line feed costs one scan.
        guard let lf = view.prefix(maxLineBytes + 2).firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > maxLineBytes + 1 { throw .protocolViolation("a control line longer than \(maxLineBytes) bytes") }
            return nil
        }
        let length = lf - view.startIndex
        guard length >= 1, view[lf - 1] == UInt8(ascii: "\r") else { throw .protocolViolation("a control line not ended by CRLF") }
        guard length - 1 <= maxLineBytes else { throw .protocolViolation("a control line longer than \(maxLineBytes) bytes") }
        let bytes = buffer.readBytes(length: length - 1) ?? []
        buffer.moveReaderIndex(forwardBy: 2)
        return bytes[...]
    }
}
