// Raw snappy (the block format, without the framing format), written from scratch for Sluice:
// no Swift package implements snappy. Format: a varint of the uncompressed length, then tagged
// elements: literals and back-references (copies) with 1-, 2- or 4-byte offsets.

/// Decodes raw snappy blocks.
enum SnappyDecompressor {
    /// Bytes written past the declared end by the wide copies; trimmed before returning.
    static let slack = 16

    /// Reads the varint uncompressed length at the start of `input`: the length and the bytes
    /// the varint took.
    static func declaredLength(_ input: UnsafeRawBufferPointer) throws -> (length: Int, headerSize: Int) {
        var value = 0
        var shift = 0
        var index = 0
        while true {
            guard index < input.count else { throw CodecError("snappy: truncated length preamble at byte \(index)") }
            guard index < 5 else { throw CodecError("snappy: length preamble longer than 5 bytes") }
            let byte = Int(input[index])
            value |= (byte & 0x7F) << shift
            index += 1
            if byte < 0x80 { break }
            shift += 7
        }
        guard value <= Int(UInt32.max) else { throw CodecError("snappy: declared length \(value) exceeds 4 GB") }
        return (value, index)
    }

    static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int?, limit: Int, into output: inout [UInt8]) throws {
        let allowed = try BlockLimits.allowed(expectedSize: expectedSize, limit: limit, codec: "snappy")
        let (length, headerSize) = try declaredLength(input)
        if let expectedSize, length != expectedSize {
            throw CodecError("snappy: declared length \(length) differs from the expected \(expectedSize)")
        }
        guard length <= allowed else { throw CodecError("snappy: declared length \(length) exceeds the limit of \(limit) bytes") }
        // Each input byte yields at most 64 output bytes (a 3-byte copy of 64), so a longer
        // declared length is corrupt: refuse it before allocating.
        guard length <= (input.count - headerSize).multipliedReportingOverflow(by: 64).partialValue else {
            throw CodecError("snappy: declared length \(length) is impossible for \(input.count) compressed bytes")
        }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: length + slack))
        do {
            try output.withUnsafeMutableBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                try decode(input, from: headerSize, into: base + start, count: length)
            }
        } catch {
            output.removeLast(output.count - start)
            throw error
        }
        output.removeLast(slack)
    }

    /// Decodes the elements of `input` from `position` into `out`, which must hold exactly
    /// `count` bytes plus ``slack`` writable bytes after them.
    @inline(__always)
    private static func decode(_ input: UnsafeRawBufferPointer, from position: Int, into out: UnsafeMutableRawPointer, count: Int) throws {
        guard let inBase = input.baseAddress else {
            if count != 0 { throw CodecError("snappy: no elements for a declared length of \(count)") }
            return
        }
        let inEnd = input.count
        var ip = position
        var op = 0
        while ip < inEnd {
            let tagOffset = ip
            let tag = Int(inBase.load(fromByteOffset: ip, as: UInt8.self))
            ip += 1
            var length: Int
            var offset: Int
            switch tag & 3 {
            case 0:
                length = (tag >> 2) + 1
                if length > 60 {
                    let extra = length - 60
                    guard extra <= inEnd - ip else { throw CodecError("snappy: truncated literal length at byte \(tagOffset)") }
                    length = 0
                    for k in 0..<extra { length |= Int(inBase.load(fromByteOffset: ip + k, as: UInt8.self)) << (8 * k) }
                    length += 1
                    ip += extra
                }
                guard length <= inEnd - ip else {
                    throw CodecError("snappy: literal of \(length) bytes at byte \(tagOffset) runs past the end of the input")
                }
                guard length <= count - op else {
                    throw CodecError("snappy: literal at byte \(tagOffset) runs past the declared length \(count)")
                }
                if length <= 16 && inEnd - ip >= 16 {
                    // Two wide copies; the output has slack for the bytes beyond `length`.
                    (out + op).storeBytes(of: inBase.loadUnaligned(fromByteOffset: ip, as: UInt64.self), as: UInt64.self)
                    (out + op + 8).storeBytes(of: inBase.loadUnaligned(fromByteOffset: ip + 8, as: UInt64.self), as: UInt64.self)
                } else {
                    (out + op).copyMemory(from: inBase + ip, byteCount: length)
                }
                ip += length
                op += length
                continue
            case 1:
                guard ip < inEnd else { throw CodecError("snappy: truncated copy at byte \(tagOffset)") }
                length = 4 + ((tag >> 2) & 7)
                offset = ((tag >> 5) << 8) | Int(inBase.load(fromByteOffset: ip, as: UInt8.self))
                ip += 1
            case 2:
                guard inEnd - ip >= 2 else { throw CodecError("snappy: truncated copy at byte \(tagOffset)") }
                length = (tag >> 2) + 1
                offset = Int(UInt16(littleEndian: inBase.loadUnaligned(fromByteOffset: ip, as: UInt16.self)))
                ip += 2
            default:
                guard inEnd - ip >= 4 else { throw CodecError("snappy: truncated copy at byte \(tagOffset)") }
                length = (tag >> 2) + 1
                offset = Int(UInt32(littleEndian: inBase.loadUnaligned(fromByteOffset: ip, as: UInt32.self)))
                ip += 4
            }
            guard offset != 0 && offset <= op else {
                throw CodecError("snappy: copy at byte \(tagOffset) has offset \(offset) with \(op) bytes written")
            }
            guard length <= count - op else {
                throw CodecError("snappy: copy at byte \(tagOffset) runs past the declared length \(count)")
            }
            LZCopy.match(out + op, offset: offset, length: length)
            op += length
        }
        guard op == count else {
            throw CodecError("snappy: input ends at byte \(inEnd) after \(op) of the declared \(count) bytes")
        }
    }
}
