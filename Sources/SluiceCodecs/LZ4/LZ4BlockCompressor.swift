// Raw LZ4 block compression (Parquet's LZ4_RAW), written from scratch for Sluice: a greedy
// matcher with a hash table of 4-byte sequences, keeping the format's end-of-block rules (the
// last 5 bytes are literals, no match starts in the last 12).

/// Encodes raw LZ4 blocks.
enum LZ4BlockCompressor {
    private static let hashBits = 16
    private static let minMatch = 4
    private static let lastLiterals = 5
    private static let matchFindLimit = 12

    static func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        let count = input.count
        let bound = count + count / 255 + 16
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        let written = output.withUnsafeMutableBytes { buffer -> Int in
            guard let out = buffer.baseAddress.map({ $0 + start }) else { return 0 }
            guard let base = input.baseAddress, count > matchFindLimit else {
                return emitLast(input.baseAddress, count: count, out: out, at: 0)
            }
            let table = UnsafeMutablePointer<Int32>.allocate(capacity: 1 << hashBits)
            defer { table.deallocate() }
            table.initialize(repeating: -1, count: 1 << hashBits)
            @inline(__always) func load32(_ i: Int) -> UInt32 { base.loadUnaligned(fromByteOffset: i, as: UInt32.self) }
            @inline(__always) func hash(_ i: Int) -> Int { Int((load32(i) &* 2_654_435_761) >> UInt32(32 - hashBits)) }
            let matchLimit = count - lastLiterals
            let searchLimit = count - matchFindLimit
            var op = 0
            var anchor = 0
            var i = 0
            while i < searchLimit {
                let h = hash(i)
                let candidate = Int(table[h])
                table[h] = Int32(truncatingIfNeeded: i)
                guard candidate >= 0, i - candidate <= 65535, load32(candidate) == load32(i) else {
                    i += 1 + ((i - anchor) >> 6)
                    continue
                }
                let length = minMatch + LZMatch.length(base + candidate + minMatch, base + i + minMatch, limit: matchLimit - i - minMatch)
                op = emitSequence(base + anchor, literals: i - anchor, offset: i - candidate, match: length, out: out, at: op)
                i += length
                anchor = i
                if i < searchLimit { table[hash(i - 2)] = Int32(truncatingIfNeeded: i - 2) }
            }
            return emitLast(base + anchor, count: count - anchor, out: out, at: op)
        }
        output.removeLast(bound - written)
    }

    @inline(__always)
    private static func writeLength(_ value: Int, out: UnsafeMutableRawPointer, at start: Int) -> Int {
        var op = start
        var rest = value
        while rest >= 255 {
            out.storeBytes(of: 255, toByteOffset: op, as: UInt8.self)
            op += 1
            rest -= 255
        }
        out.storeBytes(of: UInt8(truncatingIfNeeded: rest), toByteOffset: op, as: UInt8.self)
        return op + 1
    }

    private static func emitSequence(
        _ literals: UnsafeRawPointer, literals literalCount: Int, offset: Int, match: Int, out: UnsafeMutableRawPointer, at start: Int
    ) -> Int {
        let matchCode = match - minMatch
        let token = (min(literalCount, 15) << 4) | min(matchCode, 15)
        out.storeBytes(of: UInt8(truncatingIfNeeded: token), toByteOffset: start, as: UInt8.self)
        var op = start + 1
        if literalCount >= 15 { op = writeLength(literalCount - 15, out: out, at: op) }
        (out + op).copyMemory(from: literals, byteCount: literalCount)
        op += literalCount
        out.storeBytes(of: UInt8(truncatingIfNeeded: offset), toByteOffset: op, as: UInt8.self)
        out.storeBytes(of: UInt8(truncatingIfNeeded: offset >> 8), toByteOffset: op + 1, as: UInt8.self)
        op += 2
        if matchCode >= 15 { op = writeLength(matchCode - 15, out: out, at: op) }
        return op
    }

    private static func emitLast(_ literals: UnsafeRawPointer?, count: Int, out: UnsafeMutableRawPointer, at start: Int) -> Int {
        out.storeBytes(of: UInt8(truncatingIfNeeded: min(count, 15) << 4), toByteOffset: start, as: UInt8.self)
        var op = start + 1
        if count >= 15 { op = writeLength(count - 15, out: out, at: op) }
        if let literals, count > 0 { (out + op).copyMemory(from: literals, byteCount: count) }
        return op + count
    }
}
