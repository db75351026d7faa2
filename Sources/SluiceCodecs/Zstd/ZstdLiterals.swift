// The literals section of a zstd compressed block (RFC 8878 §3.1.1.3.1), written from
// scratch for Sluice.

extension ZstdBlockContext {
    /// Decodes the literals section at the start of `block` into ``literals``.
    /// - Returns: the number of literals and the bytes the section took.
    func readLiterals(_ block: UnsafeRawBufferPointer, at offset: Int) throws -> (count: Int, size: Int) {
        guard !block.isEmpty else { throw CodecError("zstd: empty compressed block at byte \(offset)") }
        let b0 = Int(block[0])
        let type = b0 & 3
        let sizeFormat = (b0 >> 2) & 3
        @inline(__always) func byte(_ i: Int) -> Int { Int(block[i]) }
        if type <= 1 {
            let headerSize: Int
            let count: Int
            switch sizeFormat {
            case 1:
                headerSize = 2
                guard block.count >= 2 else { throw CodecError("zstd: truncated literals header at byte \(offset)") }
                count = (b0 >> 4) + (byte(1) << 4)
            case 3:
                headerSize = 3
                guard block.count >= 3 else { throw CodecError("zstd: truncated literals header at byte \(offset)") }
                count = (b0 >> 4) + (byte(1) << 4) + (byte(2) << 12)
            default:
                headerSize = 1
                count = b0 >> 3
            }
            guard count <= Self.blockMax else {
                throw CodecError("zstd: \(count) literals exceed the block maximum at byte \(offset)")
            }
            if type == 0 {
                guard headerSize + count <= block.count else {
                    throw CodecError("zstd: raw literals run past the block at byte \(offset)")
                }
                if count > 0, let base = block.baseAddress {
                    literals.initialize(from: (base + headerSize).assumingMemoryBound(to: UInt8.self), count: count)
                }
                return (count, headerSize + count)
            }
            guard headerSize < block.count else { throw CodecError("zstd: truncated RLE literals at byte \(offset)") }
            literals.initialize(repeating: block[headerSize], count: count)
            return (count, headerSize + 1)
        }
        let headerSize = sizeFormat <= 1 ? 3 : sizeFormat + 2
        guard block.count >= headerSize else { throw CodecError("zstd: truncated literals header at byte \(offset)") }
        var header = 0
        for i in 0..<headerSize { header |= byte(i) << (8 * i) }
        let count: Int
        let compressedSize: Int
        switch sizeFormat {
        case 0, 1:
            count = (header >> 4) & 0x3FF
            compressedSize = (header >> 14) & 0x3FF
        case 2:
            count = (header >> 4) & 0x3FFF
            compressedSize = (header >> 18) & 0x3FFF
        default:
            count = (header >> 4) & 0x3FFFF
            compressedSize = (header >> 22) & 0x3FFFF
        }
        guard count <= Self.blockMax else { throw CodecError("zstd: \(count) literals exceed the block maximum at byte \(offset)") }
        guard headerSize + compressedSize <= block.count else {
            throw CodecError("zstd: compressed literals run past the block at byte \(offset)")
        }
        var body = UnsafeRawBufferPointer(rebasing: block[headerSize..<(headerSize + compressedSize)])
        if type == 2 {
            let (table, used) = try HuffmanTable.read(body)
            huffman = table
            body = UnsafeRawBufferPointer(rebasing: body[used...])
        }
        guard let table = huffman else {
            throw CodecError("zstd: treeless literals with no earlier Huffman table at byte \(offset)")
        }
        if sizeFormat == 0 {
            try table.decodeStream(body, count: count, into: literals)
        } else {
            guard body.count >= 6 else { throw CodecError("zstd: truncated literal jump table at byte \(offset)") }
            let s1 = Int(body[0]) | Int(body[1]) << 8
            let s2 = Int(body[2]) | Int(body[3]) << 8
            let s3 = Int(body[4]) | Int(body[5]) << 8
            let s4 = body.count - 6 - s1 - s2 - s3
            guard s4 > 0 else { throw CodecError("zstd: literal stream sizes exceed the section at byte \(offset)") }
            let segment = (count + 3) / 4
            let last = count - 3 * segment
            guard last >= 0 else { throw CodecError("zstd: too few literals (\(count)) for four streams at byte \(offset)") }
            var start = 6
            for (i, size) in [s1, s2, s3, s4].enumerated() {
                try table.decodeStream(
                    UnsafeRawBufferPointer(rebasing: body[start..<(start + size)]), count: i == 3 ? last : segment,
                    into: literals + i * segment)
                start += size
            }
        }
        return (count, headerSize + compressedSize)
    }
}
