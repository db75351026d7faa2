/// Decompresses a `.gz` file piece by piece: every member of a multi-member file
/// (`cat a.gz b.gz`), in order, as one stream. zlib checks each member's CRC-32 and size;
/// anything after the last member that is not another member is an error.
struct GzipStreamDecompressor: StreamDecompressor {
    /// Created on the first call (``StreamCodec/makeDecompressor()`` cannot throw).
    private var inflater: ZlibInflater?
    /// Compressed bytes consumed so far, for error offsets.
    private var totalIn = 0
    /// A member has started and not ended yet.
    private var memberOpen = false
    /// The last member ended; more input starts the next one.
    private var memberEnded = false
    private var sawInput = false
    /// The most output one zlib call gets room for, so a huge `limit` does not mean a huge
    /// zero-filled allocation.
    private static let maxStep = 1 << 20
    /// The least room one zlib call gets (unless the limit is smaller).
    private static let minStep = 16 << 10

    mutating func decompress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], limit: Int) throws -> Int {
        let inflater = try self.inflater ?? ZlibInflater(format: .gzip)
        self.inflater = inflater
        var consumed = 0
        var emitted = 0
        while emitted < limit {
            if memberEnded {
                if consumed == input.count { break }
                try inflater.reset()
                memberEnded = false
            }
            // The room is zero-filled before zlib writes into it: sized to what the input
            // left can plausibly give (growing by rounds when it gives more), not to the limit.
            let plausible = max(Self.minStep, (input.count - consumed).multipliedReportingOverflow(by: 8).partialValue)
            let room = min(limit - emitted, Self.maxStep, plausible)
            let mark = output.count
            output.append(contentsOf: repeatElement(0, count: room))
            let step: ZlibInflater.Step
            do {
                step = try output.withUnsafeMutableBytes { buffer in
                    try inflater.inflate(
                        UnsafeRawBufferPointer(rebasing: input[consumed...]),
                        UnsafeMutableRawBufferPointer(rebasing: buffer[mark...]),
                        inputOffset: totalIn + consumed)
                }
            } catch {
                output.removeLast(room)
                throw error
            }
            output.removeLast(room - step.produced)
            consumed += step.consumed
            emitted += step.produced
            if step.consumed > 0 {
                memberOpen = true
                sawInput = true
            }
            if step.ended {
                memberOpen = false
                memberEnded = true
                continue
            }
            if step.produced < room { break }  // zlib wants more input
        }
        totalIn += consumed
        return consumed
    }

    mutating func finish() throws {
        guard sawInput else { throw CodecError("gzip: the stream is empty") }
        if memberOpen {
            throw CodecError("gzip: truncated stream: the input ends at byte \(totalIn) inside a member")
        }
    }
}
