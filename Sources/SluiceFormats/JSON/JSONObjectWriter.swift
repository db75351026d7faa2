import SluiceCore

/// Writes rows of a batch as compact JSON objects straight from typed column storage:
/// fields in batch order, absent fields left out, nulls written as `null`.
struct JSONObjectWriter {
    /// `"key":` for each field, escaped once per batch.
    private let keys: [[UInt8]]
    private let columns: [Column]

    init(_ batch: RecordBatch) {
        keys = batch.fields.map { field in
            var key: [UInt8] = []
            JSONText.appendString(field, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
        columns = batch.columns
    }

    /// Appends row `row` as one object.
    func write(row: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for c in 0..<columns.count {
            let column = columns[c]
            let presence = column.presence(at: row)
            if presence == .absent { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: keys[c])
            if presence == .null {
                out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
                continue
            }
            switch column.storage {
            case .ints(let a): JSONText.appendInt(a[row], to: &out)
            case .doubles(let a): JSONText.appendDouble(a[row], to: &out)
            case .bools(let a):
                if a[row] { out.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
            case .text(let t): t.withBytes(at: row) { JSONText.appendString(bytes: $0, to: &out) }
            case .values(let a): JSONText.append(a[row], to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }
}
