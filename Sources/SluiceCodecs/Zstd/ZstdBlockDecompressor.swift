// zstd decompression of a whole buffer (one or more frames, skippable frames skipped), written
// from scratch for Sluice: no Swift package implements zstd.

/// Decompresses a complete zstd buffer: Parquet's ZSTD pages, in-memory data.
enum ZstdBlockDecompressor {
    static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int?, limit: Int, into output: inout [UInt8]) throws {
        let allowed = try BlockLimits.allowed(expectedSize: expectedSize, limit: limit, codec: "zstd")
        guard !input.isEmpty else { throw CodecError("zstd: the compressed input is empty") }
        let start = output.count
        do {
            // Reserve for the recorded size only as far as the input can plausibly expand.
            let plausible = input.count.multipliedReportingOverflow(by: 1024).partialValue + (1 << 20)
            if let expectedSize { output.reserveCapacity(start + min(expectedSize, plausible) + ZstdBlockContext.slack) }
            let context = ZstdBlockContext()
            var p = 0
            while p < input.count {
                p = try decodeFrame(input, at: p, context: context, budget: allowed - (output.count - start), into: &output)
            }
        } catch {
            output.removeLast(output.count - start)
            throw error
        }
        if let expectedSize, output.count - start != expectedSize {
            let produced = output.count - start
            output.removeLast(produced)
            throw CodecError("zstd: decompressed to \(produced) bytes, expected \(expectedSize)")
        }
    }

    @inline(__always)
    private static func load32(_ input: UnsafeRawBufferPointer, _ p: Int) -> UInt32 {
        UInt32(input[p]) | UInt32(input[p + 1]) << 8 | UInt32(input[p + 2]) << 16 | UInt32(input[p + 3]) << 24
    }

    /// Decodes the frame (or skips the skippable frame) at `start`; returns where it ends.
    private static func decodeFrame(
        _ input: UnsafeRawBufferPointer, at start: Int, context: ZstdBlockContext, budget: Int, into output: inout [UInt8]
    ) throws -> Int {
        guard input.count - start >= 4 else { throw CodecError("zstd: truncated frame magic at byte \(start)") }
        let magic = load32(input, start)
        if magic & ZstdFormat.skippableMask == ZstdFormat.skippableMagic {
            guard input.count - start >= 8 else { throw CodecError("zstd: truncated skippable frame at byte \(start)") }
            let size = Int(load32(input, start + 4))
            guard size <= input.count - start - 8 else { throw CodecError("zstd: skippable frame at byte \(start) runs past the input") }
            return start + 8 + size
        }
        guard magic == ZstdFormat.magic else { throw CodecError("zstd: no frame magic number at byte \(start)") }
        var p = start + 4
        let header = try ZstdFrameHeader.parse(UnsafeRawBufferPointer(rebasing: input[p...]), at: p)
        try header.checkWindow(frameAt: start)
        p += header.size
        if let size = header.contentSize {
            guard size <= budget else {
                throw CodecError("zstd: frame at byte \(start) declares \(size) bytes, over the \(budget) allowed")
            }
            output.reserveCapacity(output.count + min(size, input.count.multipliedReportingOverflow(by: 1024).partialValue + (1 << 20)))
        }
        context.startFrame()
        let frameStart = output.count
        let blockMax = header.blockMax
        while true {
            guard input.count - p >= 3 else { throw CodecError("zstd: truncated block header at byte \(p)") }
            let blockHeader = Int(input[p]) | Int(input[p + 1]) << 8 | Int(input[p + 2]) << 16
            let blockStart = p
            p += 3
            let last = blockHeader & 1 != 0
            let size = blockHeader >> 3
            let produced = output.count - frameStart
            switch (blockHeader >> 1) & 3 {
            case 0:
                guard size <= blockMax else { throw CodecError("zstd: raw block at byte \(blockStart) exceeds \(blockMax) bytes") }
                guard size <= input.count - p else { throw CodecError("zstd: raw block at byte \(blockStart) runs past the input") }
                guard size <= budget - produced else { throw overBudget(budget, blockStart) }
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[p..<(p + size)]))
                p += size
            case 1:
                guard size <= blockMax else { throw CodecError("zstd: RLE block at byte \(blockStart) exceeds \(blockMax) bytes") }
                guard p < input.count else { throw CodecError("zstd: truncated RLE block at byte \(blockStart)") }
                guard size <= budget - produced else { throw overBudget(budget, blockStart) }
                output.append(contentsOf: repeatElement(input[p], count: size))
                p += 1
            case 2:
                guard size <= blockMax else { throw CodecError("zstd: compressed block at byte \(blockStart) exceeds \(blockMax) bytes") }
                guard size <= input.count - p else { throw CodecError("zstd: compressed block at byte \(blockStart) runs past the input") }
                let mark = output.count
                output.append(contentsOf: repeatElement(0, count: blockMax + ZstdBlockContext.slack))
                let written = try output.withUnsafeMutableBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return 0 }
                    return try context.decode(
                        UnsafeRawBufferPointer(rebasing: input[p..<(p + size)]), at: p, into: base, position: mark,
                        historyStart: frameStart, windowSize: header.windowSize, blockMax: blockMax)
                }
                output.removeLast(blockMax + ZstdBlockContext.slack - written)
                guard written <= budget - produced else { throw overBudget(budget, blockStart) }
                p += size
            default:
                throw CodecError("zstd: reserved block type at byte \(blockStart)")
            }
            if last { break }
        }
        let frameSize = output.count - frameStart
        if let size = header.contentSize, size != frameSize {
            throw CodecError("zstd: frame at byte \(start) decoded to \(frameSize) bytes, its header says \(size)")
        }
        if header.hasChecksum {
            guard input.count - p >= 4 else { throw CodecError("zstd: truncated checksum at byte \(p)") }
            let expected = load32(input, p)
            let actual = output.withUnsafeBytes { UInt32(truncatingIfNeeded: XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[frameStart...]))) }
            guard expected == actual else { throw CodecError("zstd: content checksum mismatch for the frame at byte \(start)") }
            p += 4
        }
        return p
    }

    private static func overBudget(_ budget: Int, _ at: Int) -> CodecError {
        CodecError("zstd: output exceeds the \(budget) bytes allowed (block at byte \(at))")
    }
}
