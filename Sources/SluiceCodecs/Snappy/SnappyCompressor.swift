// Raw snappy compression, written from scratch for Sluice (no Swift package implements
// snappy): a greedy matcher with a hash table of 4-byte sequences over independent 64 KB
// blocks, skipping faster through data that does not match, as the reference encoder does.

/// Encodes raw snappy blocks.
enum SnappyCompressor {
    static let blockSize = 1 << 16
    private static let tableBits = 14

    /// The most bytes `count` input bytes can compress to.
    static func maxCompressedLength(_ count: Int) -> Int { 32 + count + count / 6 }

    static func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        guard input.count <= Int(UInt32.max) else { throw CodecError("snappy: input of \(input.count) bytes exceeds 4 GB") }
        let start = output.count
        let bound = maxCompressedLength(input.count)
        output.append(contentsOf: repeatElement(0, count: bound))
        var written = 0
        output.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            let out = base + start
            var op = 0
            var length = input.count
            while length >= 0x80 {
                out.storeBytes(of: UInt8(truncatingIfNeeded: length | 0x80), toByteOffset: op, as: UInt8.self)
                length >>= 7
                op += 1
            }
            out.storeBytes(of: UInt8(truncatingIfNeeded: length), toByteOffset: op, as: UInt8.self)
            op += 1
            guard let inBase = input.baseAddress else {
                written = op
                return
            }
            let table = UnsafeMutablePointer<UInt16>.allocate(capacity: 1 << tableBits)
            defer { table.deallocate() }
            var blockStart = 0
            while blockStart < input.count {
                let blockLength = min(blockSize, input.count - blockStart)
                op = compressBlock(inBase + blockStart, count: blockLength, table: table, out: out, at: op)
                blockStart += blockLength
            }
            written = op
        }
        output.removeLast(bound - written)
    }

    @inline(__always)
    private static func hash(_ value: UInt32, shift: UInt32) -> Int {
        Int((value &* 0x1E35_A7BD) &>> shift)
    }

    /// Compresses one block of at most 64 KB (so offsets fit in 16 bits) into `out` at `op`,
    /// returning the new output position.
    private static func compressBlock(
        _ block: UnsafeRawPointer, count: Int, table: UnsafeMutablePointer<UInt16>, out: UnsafeMutableRawPointer, at start: Int
    ) -> Int {
        var op = start
        let inputMargin = 15
        guard count >= inputMargin else {
            return emitLiteral(block, count: count, out: out, at: op)
        }
        var bits = 8
        while bits < tableBits && (1 << bits) < count { bits += 1 }
        let shift = UInt32(32 - bits)
        table.initialize(repeating: 0, count: 1 << bits)
        @inline(__always) func load32(_ position: Int) -> UInt32 { block.loadUnaligned(fromByteOffset: position, as: UInt32.self) }

        let ipLimit = count - inputMargin
        var nextEmit = 0
        var ip = 1
        var nextHash = hash(load32(ip), shift: shift)
        outer: while true {
            // Find a 4-byte match, looking further apart the longer nothing matches.
            var skip = 32
            var nextIp = ip
            var candidate = 0
            repeat {
                ip = nextIp
                let h = nextHash
                let step = skip >> 5
                skip += 1
                nextIp = ip + step
                if nextIp > ipLimit { break outer }
                nextHash = hash(load32(nextIp), shift: shift)
                candidate = Int(table[h])
                table[h] = UInt16(truncatingIfNeeded: ip)
            } while load32(ip) != load32(candidate)

            op = emitLiteral(block + nextEmit, count: ip - nextEmit, out: out, at: op)
            // Emit copies while the next position matches too.
            while true {
                let base = ip
                let matched = 4 + LZMatch.length(block + candidate + 4, block + ip + 4, limit: count - ip - 4)
                ip += matched
                op = emitCopy(offset: base - candidate, length: matched, out: out, at: op)
                nextEmit = ip
                if ip >= ipLimit { break outer }
                table[hash(load32(ip - 1), shift: shift)] = UInt16(truncatingIfNeeded: ip - 1)
                let h = hash(load32(ip), shift: shift)
                candidate = Int(table[h])
                table[h] = UInt16(truncatingIfNeeded: ip)
                if load32(ip) != load32(candidate) { break }
            }
            ip += 1
            nextHash = hash(load32(ip), shift: shift)
        }
        if nextEmit < count {
            op = emitLiteral(block + nextEmit, count: count - nextEmit, out: out, at: op)
        }
        return op
    }

    @inline(__always)
    private static func emitLiteral(_ source: UnsafeRawPointer, count: Int, out: UnsafeMutableRawPointer, at start: Int) -> Int {
        guard count > 0 else { return start }
        var op = start
        let n = count - 1
        if n < 60 {
            out.storeBytes(of: UInt8(truncatingIfNeeded: n << 2), toByteOffset: op, as: UInt8.self)
            op += 1
        } else {
            var extra = 1
            while extra < 4 && n >= 1 << (8 * extra) { extra += 1 }
            out.storeBytes(of: UInt8(truncatingIfNeeded: (59 + extra) << 2), toByteOffset: op, as: UInt8.self)
            op += 1
            for k in 0..<extra {
                out.storeBytes(of: UInt8(truncatingIfNeeded: n >> (8 * k)), toByteOffset: op, as: UInt8.self)
                op += 1
            }
        }
        (out + op).copyMemory(from: source, byteCount: count)
        return op + count
    }

    @inline(__always)
    private static func emitCopy(offset: Int, length: Int, out: UnsafeMutableRawPointer, at start: Int) -> Int {
        var op = start
        var length = length
        @inline(__always) func copy2(_ len: Int) {
            out.storeBytes(of: UInt8(truncatingIfNeeded: 2 | ((len - 1) << 2)), toByteOffset: op, as: UInt8.self)
            out.storeBytes(of: UInt8(truncatingIfNeeded: offset), toByteOffset: op + 1, as: UInt8.self)
            out.storeBytes(of: UInt8(truncatingIfNeeded: offset >> 8), toByteOffset: op + 2, as: UInt8.self)
            op += 3
        }
        while length >= 68 {
            copy2(64)
            length -= 64
        }
        if length > 64 {
            copy2(60)
            length -= 60
        }
        if length < 12 && offset < 2048 {
            out.storeBytes(of: UInt8(truncatingIfNeeded: 1 | ((length - 4) << 2) | ((offset >> 8) << 5)), toByteOffset: op, as: UInt8.self)
            out.storeBytes(of: UInt8(truncatingIfNeeded: offset), toByteOffset: op + 1, as: UInt8.self)
            op += 2
        } else {
            copy2(length)
        }
        return op
    }
}
