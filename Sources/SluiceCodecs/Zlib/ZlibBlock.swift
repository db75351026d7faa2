/// Whole-block gzip and raw deflate over zlib (see ``ZlibInflater`` for why zlib is driven
/// directly).
enum ZlibBlock {
    /// Decompresses `input`: for gzip every member of a multi-member input, for raw deflate
    /// exactly one stream that must end where the input ends.
    static func decompress(
        _ input: UnsafeRawBufferPointer, format: ZlibFormat, expectedSize: Int?, limit: Int, into output: inout [UInt8]
    ) throws {
        let name = format.name
        guard !input.isEmpty else { throw CodecError("\(name): the compressed input is empty") }
        let allowed = try BlockLimits.allowed(expectedSize: expectedSize, limit: limit, codec: name)
        let inflater = try ZlibInflater(format: format)
        let start = output.count
        var consumed = 0
        var produced = 0
        // First guess: the exact size when known, else a few times the input; then doubling.
        // Deflate expands at most about 1032 times, so a recorded size beyond that is not
        // allocated up front: the output grows as it is produced.
        let plausible = max(64 * 1024, input.count.multipliedReportingOverflow(by: 1032).partialValue)
        var chunk = expectedSize.map { min($0, plausible) + 1 } ?? max(64 * 1024, input.count.multipliedReportingOverflow(by: 4).partialValue)
        do {
            while true {
                // One byte beyond what is allowed, to notice output that goes past it.
                let room = max(1, min(chunk, allowed - produced + 1))
                let mark = output.count
                output.append(contentsOf: repeatElement(0, count: room))
                let step = try output.withUnsafeMutableBytes { buffer in
                    try inflater.inflate(
                        UnsafeRawBufferPointer(rebasing: input[consumed...]),
                        UnsafeMutableRawBufferPointer(rebasing: buffer[mark...]),
                        inputOffset: consumed)
                }
                output.removeLast(room - step.produced)
                consumed += step.consumed
                produced += step.produced
                if produced > allowed {
                    if let expectedSize {
                        throw CodecError("\(name): more than the expected \(expectedSize) bytes (input byte \(consumed))")
                    }
                    throw CodecError("\(name): output exceeds the limit of \(limit) bytes (input byte \(consumed))")
                }
                if step.ended {
                    if consumed == input.count { break }
                    if format == .deflate {
                        throw CodecError("\(name): \(input.count - consumed) bytes of trailing data after the stream at byte \(consumed)")
                    }
                    try inflater.reset()
                    continue
                }
                if step.produced < room {
                    // zlib stopped with output room left: it needs input there is no more of.
                    throw CodecError("\(name): truncated stream: input ends at byte \(input.count) inside a \(format == .gzip ? "member" : "stream")")
                }
                chunk = min(chunk.multipliedReportingOverflow(by: 2).partialValue, Int.max / 2)
            }
        } catch {
            output.removeLast(output.count - start)
            throw error
        }
        if let expectedSize, produced != expectedSize {
            output.removeLast(output.count - start)
            throw CodecError("\(name): decompressed to \(produced) bytes, expected \(expectedSize)")
        }
    }

    static func compress(_ input: UnsafeRawBufferPointer, format: ZlibFormat, level: Int?, into output: inout [UInt8]) throws {
        let deflater = try ZlibDeflater(format: format, level: level)
        try deflater.deflate(input, finish: true, into: &output)
    }
}
