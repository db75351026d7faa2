import SluiceCore

/// Encodes a large batch for the target on several workers at once (a window's or a sort's
/// whole output arrives as one batch at the end), writing the pieces in order.
///
/// The batch is cut into slices of `sliceRows`; at most `workers` slices are encoded at a
/// time and each wave is written before the next starts, so at most `workers` encoded
/// slices are held.
struct ParallelEncoding: Sendable {
    let workers: Int
    let sliceRows: Int
    let encode: @Sendable (RecordBatch) -> [UInt8]

    /// Whether `batch` is worth cutting up.
    func applies(to batch: RecordBatch) -> Bool { workers > 1 && batch.count >= 2 * sliceRows }

    /// Encodes and writes `batch`; returns the bytes written.
    func write(_ batch: RecordBatch, to writer: any TargetWriter) async throws -> Int {
        let starts = Array(stride(from: 0, to: batch.count, by: sliceRows))
        var written = 0
        var wave = 0
        while wave < starts.count {
            let waveStarts = starts[wave..<min(wave + workers, starts.count)]
            let encoded = await withTaskGroup(of: (Int, [UInt8]).self) { group in
                for (offset, start) in waveStarts.enumerated() {
                    let rows = Array(start..<min(start + sliceRows, batch.count))
                    group.addTask { (offset, encode(batch.selecting(rows))) }
                }
                var pieces = Array(repeating: [UInt8](), count: waveStarts.count)
                for await (offset, bytes) in group { pieces[offset] = bytes }
                return pieces
            }
            for (offset, bytes) in encoded.enumerated() {
                let start = waveStarts[waveStarts.startIndex + offset]
                written += try await writer.writeEncoded(bytes, rows: min(start + sliceRows, batch.count) - start)
            }
            wave += workers
        }
        return written
    }
}
