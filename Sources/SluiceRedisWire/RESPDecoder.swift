import NIOCore

/// Reads RESP2 replies from the bytes a server sends, one whole reply at a time.
///
/// Every length is checked before anything is allocated, so a hostile or broken server cannot
/// make the client reserve memory it did not send: a bulk string may be at most
/// `maxBulkBytes`, an array at most `maxElements` long and `maxDepth` deep, and a line (a
/// simple string, an error, a number) at most 64 KiB. Anything else is a `RedisError.protocolViolation`.
public struct RESPDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = RESPValue

    public var maxBulkBytes: Int
    public var maxElements: Int
    public var maxDepth: Int
    static let maxLineBytes = 64 << 10

    public init(maxBulkBytes: Int = 512 << 20, maxElements: Int = 1 << 24, maxDepth: Int = 32) {
        self.maxBulkBytes = maxBulkBytes
        self.maxElements = maxElements
        self.maxDepth = maxDepth
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try parse(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(value))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// One whole reply from the front of `buffer`, which is then moved past it; nil (and
    /// `buffer` untouched) when the reply has not fully arrived.
    public func parse(_ buffer: inout ByteBuffer) throws(RedisError) -> RESPValue? {
        var cursor = buffer
        guard let value = try value(&cursor, depth: 0) else { return nil }
        buffer = cursor
        return value
    }

    private func value(_ buffer: inout ByteBuffer, depth: Int) throws(RedisError) -> RESPValue? {
        guard let type = buffer.readInteger(as: UInt8.self) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            return try line(&buffer).map { .simpleString(String(decoding: $0, as: UTF8.self)) }
        case UInt8(ascii: "-"):
            return try line(&buffer).map { .error(String(decoding: $0, as: UTF8.self)) }
        case UInt8(ascii: ":"):
            return try numberLine(&buffer).map { .integer($0) }
        case UInt8(ascii: "$"):
            guard let length = try numberLine(&buffer) else { return nil }
            if length == -1 { return .bulkString(nil) }
            guard (0...maxBulkBytes).contains(length) else {
                throw .protocolViolation("a bulk string of \(length) bytes (the limit is \(maxBulkBytes))")
            }
            guard buffer.readableBytes >= length + 2 else { return nil }
            let bytes = buffer.readBytes(length: length) ?? []
            guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { throw .protocolViolation("a bulk string not ended by CRLF") }
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            guard let count = try numberLine(&buffer) else { return nil }
            if count == -1 { return .array(nil) }
            guard (0...maxElements).contains(count) else { throw .protocolViolation("an array of \(count) elements (the limit is \(maxElements))") }
            guard depth < maxDepth else { throw .protocolViolation("arrays nested deeper than \(maxDepth) levels") }
            // Each element takes at least 3 bytes: no room is reserved for more than could have arrived.
            var elements: [RESPValue] = []
            elements.reserveCapacity(min(count, buffer.readableBytes / 3))
            for _ in 0..<count {
                guard let element = try value(&buffer, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            return .array(elements)
        default:
            throw .protocolViolation("an unknown reply type byte 0x\(String(type, radix: 16))")
        }
    }

    /// The bytes up to the next CRLF (which is consumed); nil when it has not arrived.
    private func line(_ buffer: inout ByteBuffer) throws(RedisError) -> [UInt8]? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > Self.maxLineBytes { throw .protocolViolation("a reply line longer than \(Self.maxLineBytes) bytes") }
            return nil
        }
        let length = lf - view.startIndex
        guard length >= 1, view[lf - 1] == UInt8(ascii: "\r") else { throw .protocolViolation("a reply line not ended by CRLF") }
        guard length <= Self.maxLineBytes else { throw .protocolViolation("a reply line longer than \(Self.maxLineBytes) bytes") }
        let bytes = buffer.readBytes(length: length - 1) ?? []
        buffer.moveReaderIndex(forwardBy: 2)
        return bytes
    }

    /// The number on the line up to the next CRLF (which is consumed), read in place: lengths,
    /// counts and integers are on every reply, so no bytes are copied for them. `nil` when the
    /// line has not arrived. Takes what `Int("…")` takes: an optional sign, then decimal digits
    /// that fit in an `Int`.
    private func numberLine(_ buffer: inout ByteBuffer) throws(RedisError) -> Int? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > Self.maxLineBytes { throw .protocolViolation("a reply line longer than \(Self.maxLineBytes) bytes") }
            return nil
        }
        let length = lf - view.startIndex
        guard length >= 1, view[lf - 1] == UInt8(ascii: "\r") else { throw .protocolViolation("a reply line not ended by CRLF") }
        guard length <= Self.maxLineBytes else { throw .protocolViolation("a reply line longer than \(Self.maxLineBytes) bytes") }
        let text = view[view.startIndex..<(lf - 1)]
        var index = text.startIndex
        var negative = false
        if index < text.endIndex, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        var value = 0
        var valid = index < text.endIndex
        while valid, index < text.endIndex {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else {
                valid = false
                break
            }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowPlus) = negative ? times.subtractingReportingOverflow(Int(digit)) : times.addingReportingOverflow(Int(digit))
            if overflowTimes || overflowPlus { valid = false }
            value = next
            index += 1
        }
        guard valid else { throw .protocolViolation("'\(String(decoding: text.prefix(40), as: UTF8.self))' is not a number") }
        buffer.moveReaderIndex(forwardBy: length + 1)
        return value
    }
}
