// Raw LZ4 block decompression (Parquet's LZ4_RAW), written from scratch for Sluice: no Swift
// package implements LZ4. A block is a run of sequences: a token (literal length, match
// length), the literals, a 2-byte offset and the match; the last sequence has literals only.

/// Decodes raw LZ4 blocks.
enum LZ4BlockDecompressor {
    static let slack = 32

    static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int?, limit: Int, into output: inout [UInt8]) throws {
        let allowed = try BlockLimits.allowed(expectedSize: expectedSize, limit: limit, codec: "lz4_raw")
        guard let inBase = input.baseAddress, !input.isEmpty else { throw CodecError("lz4_raw: the compressed input is empty") }
        // Without a recorded size, a first pass over the tokens measures (and checks) it.
        let size = try expectedSize ?? run(inBase, count: input.count, into: nil, capacity: allowed)
        guard size <= allowed else { throw CodecError("lz4_raw: output exceeds the limit of \(limit) bytes") }
        // Each compressed byte yields at most 255 bytes: refuse a larger recorded size before
        // allocating for it.
        guard size <= input.count.multipliedReportingOverflow(by: 255).partialValue + 16 else {
            throw CodecError("lz4_raw: expected size \(size) is impossible for \(input.count) compressed bytes")
        }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: size + slack))
        do {
            let produced = try output.withUnsafeMutableBufferPointer { buffer in
                try run(inBase, count: input.count, into: buffer.baseAddress.map { $0 + start }, capacity: size)
            }
            guard produced == size else {
                throw CodecError("lz4_raw: decompressed to \(produced) bytes, expected \(size)")
            }
        } catch {
            output.removeLast(output.count - start)
            throw error
        }
        output.removeLast(slack)
    }

    /// Decodes the block into `out` (which has `capacity + slack` writable bytes), or only
    /// measures it when `out` is nil; returns the decoded size.
    @inline(__always)
    private static func run(_ input: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<UInt8>?, capacity: Int) throws -> Int {
        var ip = 0
        var op = 0
        while true {
            guard ip < count else { throw CodecError("lz4_raw: input ends at byte \(count) where a sequence should start") }
            let tokenOffset = ip
            let token = Int(input.load(fromByteOffset: ip, as: UInt8.self))
            ip += 1
            var literalLength = token >> 4
            if literalLength == 15 {
                while true {
                    guard ip < count else { throw CodecError("lz4_raw: truncated literal length at byte \(tokenOffset)") }
                    let byte = Int(input.load(fromByteOffset: ip, as: UInt8.self))
                    ip += 1
                    literalLength += byte
                    if byte != 255 { break }
                }
            }
            guard literalLength <= count - ip else {
                throw CodecError("lz4_raw: literals of the sequence at byte \(tokenOffset) run past the input")
            }
            guard literalLength <= capacity - op else {
                throw CodecError("lz4_raw: the sequence at byte \(tokenOffset) goes past the \(capacity) bytes allowed")
            }
            if let out {
                if literalLength <= 16 && count - ip >= 16 {
                    UnsafeMutableRawPointer(out + op).storeBytes(
                        of: (input + ip).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                } else {
                    UnsafeMutableRawPointer(out + op).copyMemory(from: input + ip, byteCount: literalLength)
                }
            }
            ip += literalLength
            op += literalLength
            if ip == count { return op }
            guard count - ip >= 2 else { throw CodecError("lz4_raw: truncated match offset at byte \(ip)") }
            let offset = Int(input.load(fromByteOffset: ip, as: UInt8.self)) | Int(input.load(fromByteOffset: ip + 1, as: UInt8.self)) << 8
            ip += 2
            guard offset != 0 && offset <= op else {
                throw CodecError("lz4_raw: the sequence at byte \(tokenOffset) has offset \(offset) with \(op) bytes decoded")
            }
            var matchLength = token & 15
            if matchLength == 15 {
                while true {
                    guard ip < count else { throw CodecError("lz4_raw: truncated match length at byte \(tokenOffset)") }
                    let byte = Int(input.load(fromByteOffset: ip, as: UInt8.self))
                    ip += 1
                    matchLength += byte
                    if byte != 255 { break }
                }
            }
            matchLength += 4
            guard matchLength <= capacity - op else {
                throw CodecError("lz4_raw: the sequence at byte \(tokenOffset) goes past the \(capacity) bytes allowed")
            }
            if let out { LZCopy.match(UnsafeMutableRawPointer(out + op), offset: offset, length: matchLength) }
            op += matchLength
        }
    }
}
