import SluiceCore

/// Writes one JSON array of compact objects, one per line: `[\n{…},\n{…}\n]\n`, or `[]\n`
/// when there are no rows, so the output is valid JSON whatever was written.
struct JSONArrayEncoder: RecordStreamEncoder {
    private var rows = 0

    func begin(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
    }

    mutating func encode(_ batch: RecordBatch, into out: inout [UInt8]) {
        let framing = JSONObjectWriter.Framing(first: rows > 0 ? ",\n" : "\n", before: ",\n", after: "")
        JSONObjectWriter(batch).writeRows(framing: framing, into: &out)
        rows += batch.count
    }

    func end(into out: inout [UInt8]) {
        if rows > 0 { out.append(0x0A) }
        out.append(UInt8(ascii: "]"))
        out.append(0x0A)
    }
}
