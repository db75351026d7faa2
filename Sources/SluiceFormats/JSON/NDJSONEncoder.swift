import SluiceCore

/// Writes newline-delimited JSON: one compact object per line, each line ending in `\n`.
struct NDJSONEncoder: RecordStreamEncoder {
    func begin(into out: inout [UInt8]) {}

    func encode(_ batch: RecordBatch, into out: inout [UInt8]) {
        let writer = JSONObjectWriter(batch)
        out.reserveCapacity(out.count + batch.count * 64)
        for row in 0..<batch.count {
            writer.write(row: row, into: &out)
            out.append(0x0A)
        }
    }

    func end(into out: inout [UInt8]) {}
}
