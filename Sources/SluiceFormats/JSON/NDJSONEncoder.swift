import SluiceCore

/// Writes newline-delimited JSON: one compact object per line, each line ending in `\n`.
struct NDJSONEncoder: RecordStreamEncoder {
    func begin(into out: inout [UInt8]) {}

    func encode(_ batch: RecordBatch, into out: inout [UInt8]) {
        JSONObjectWriter(batch).writeRows(framing: .init(first: "", before: "", after: "\n"), into: &out)
    }

    func end(into out: inout [UInt8]) {}
}
