import NIOCore

/// One logical MySQL packet: its payload (split packets already joined) and the sequence
/// id of its last physical packet.
struct MySQLPacket: Sendable, Equatable {
    /// The sequence id of the (last) physical packet.
    var sequence: UInt8
    /// The payload, without headers.
    var payload: ByteBuffer

    /// A packet with the given sequence id and payload.
    init(sequence: UInt8, payload: ByteBuffer) {
        self.sequence = sequence
        self.payload = payload
    }

    /// The payload's first byte (the header of OK, ERR, EOF and other server packets).
    var header: UInt8? { payload.getInteger(at: payload.readerIndex, as: UInt8.self) }
}

/// Packet framing: each physical packet is a 3-byte little-endian payload length, a 1-byte
/// sequence id and the payload. A payload of 16 MiB − 1 bytes (0xFFFFFF) or more is split
/// into packets of exactly 0xFFFFFF bytes followed by a shorter one (possibly empty), each
/// with the next sequence id.
enum MySQLFraming {
    /// The largest payload of one physical packet.
    static let maxPhysicalPayload = 0xFF_FFFF

    /// Appends `payload` framed as physical packets starting at `sequence` to `out`; returns
    /// the sequence id that follows the last packet written.
    @discardableResult
    static func frame(_ payload: ByteBuffer, sequence: UInt8, into out: inout ByteBuffer) -> UInt8 {
        var payload = payload
        var sequence = sequence
        while true {
            let length = min(payload.readableBytes, maxPhysicalPayload)
            out.reserveCapacity(minimumWritableBytes: length + 4)
            out.writeInteger(UInt8(length & 0xFF))
            out.writeInteger(UInt8(length >> 8 & 0xFF))
            out.writeInteger(UInt8(length >> 16 & 0xFF))
            out.writeInteger(sequence)
            if var chunk = payload.readSlice(length: length) { out.writeBuffer(&chunk) }
            sequence &+= 1
            if length < maxPhysicalPayload { return sequence }
        }
    }

    /// Removes one whole logical packet from the front of `buffer` and returns it, joining
    /// split packets; `nil` (nothing consumed) until all its physical packets are there.
    static func decode(_ buffer: inout ByteBuffer) -> MySQLPacket? {
        guard let first = header(buffer, at: buffer.readerIndex) else { return nil }
        if first.length < maxPhysicalPayload {
            // The common case: one physical packet, handed on as a slice (no copy).
            guard buffer.readableBytes >= 4 + first.length else { return nil }
            buffer.moveReaderIndex(forwardBy: 4)
            guard let payload = buffer.readSlice(length: first.length) else { return nil }
            return MySQLPacket(sequence: first.sequence, payload: payload)
        }
        var offset = buffer.readerIndex
        var pieces: [(start: Int, length: Int)] = []
        var sequence: UInt8 = 0
        while true {
            guard let next = header(buffer, at: offset), buffer.writerIndex - (offset + 4) >= next.length else { return nil }
            pieces.append((offset + 4, next.length))
            sequence = next.sequence
            offset += 4 + next.length
            if next.length < maxPhysicalPayload { break }
        }
        var joined = ByteBufferAllocator().buffer(capacity: pieces.reduce(0) { $0 + $1.length })
        for piece in pieces {
            if var slice = buffer.getSlice(at: piece.start, length: piece.length) { joined.writeBuffer(&slice) }
        }
        buffer.moveReaderIndex(to: offset)
        return MySQLPacket(sequence: sequence, payload: joined)
    }

    /// The payload length and sequence id of the physical packet header at `offset`.
    private static func header(_ buffer: ByteBuffer, at offset: Int) -> (length: Int, sequence: UInt8)? {
        guard buffer.writerIndex - offset >= 4, let low = buffer.getInteger(at: offset, endianness: .little, as: UInt16.self),
            let high = buffer.getInteger(at: offset + 2, as: UInt8.self), let sequence = buffer.getInteger(at: offset + 3, as: UInt8.self)
        else { return nil }
        return (Int(low) | Int(high) << 16, sequence)
    }
}

/// Cuts the inbound byte stream into logical packets (see ``MySQLFraming``).
struct MySQLPacketDecoder: ByteToMessageDecoder {
    typealias InboundOut = MySQLPacket

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let packet = MySQLFraming.decode(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(packet))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
