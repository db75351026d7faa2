import SluiceCore

/// Writes CSV: a header row from the first batch's fields (unless `writeHeader` is off),
/// then one line per row, every line ending in `\n`.
///
/// Every row is written in the header's field order: a later batch's missing fields are
/// written empty and its extra fields are dropped, so each line has the header's shape.
/// Cells are quoted when they hold the delimiter, `"`, CR or LF, or start or end with a
/// space or tab. Null and absent cells are empty; an empty string is written `""` so it
/// reads back as an empty string rather than null (and a row of one null cell is written
/// `""`, since an empty line would read back as no row at all). Arrays and objects are
/// written as their JSON text, timestamps in ISO 8601, doubles in shortest round-trip form.
struct CSVEncoder: RecordStreamEncoder {
    private let options: EncodeOptions
    private var header: [String]?
    /// Whether numbers need the quoting check too (only with a delimiter a number can contain).
    private let checkNumbers: Bool

    init(options: EncodeOptions) {
        self.options = options
        let d = options.delimiter
        checkNumbers = (d >= 48 && d <= 57) || (d | 0x20 >= 97 && d | 0x20 <= 122) || d == UInt8(ascii: ".")
            || d == UInt8(ascii: "-") || d == UInt8(ascii: "+")
    }

    func begin(into out: inout [UInt8]) {}

    mutating func encode(_ batch: RecordBatch, into out: inout [UInt8]) {
        let fields: [String]
        if let header {
            fields = header
        } else {
            fields = batch.fields
            header = fields
            if options.writeHeader {
                for (i, name) in fields.enumerated() {
                    if i > 0 { out.append(options.delimiter) }
                    var name = name
                    name.withUTF8 { writeText(UnsafeRawBufferPointer($0), into: &out) }
                }
                out.append(0x0A)
            }
        }
        let columns: [Column?] = batch.fields == fields ? batch.columns : fields.map { batch.column(named: $0) }
        out.reserveCapacity(out.count + batch.count * 16 * max(1, columns.count))
        for row in 0..<batch.count {
            let lineStart = out.count
            for c in 0..<columns.count {
                if c > 0 { out.append(options.delimiter) }
                if let column = columns[c] { writeCell(column, row: row, into: &out) }
            }
            // One empty cell would make an empty line, which reads back as no row.
            if out.count == lineStart, columns.count == 1 { out.append(contentsOf: [0x22, 0x22]) }
            out.append(0x0A)
        }
    }

    func end(into out: inout [UInt8]) {}

    private func writeCell(_ column: Column, row: Int, into out: inout [UInt8]) {
        guard column.isPresent(row) else { return }
        switch column.storage {
        case .ints(let a): writeInt(a[row], into: &out)
        case .doubles(let a): writeDouble(a[row], into: &out)
        case .bools(let a): writeLiteral(a[row] ? "true" : "false", into: &out)
        case .text(let t): t.withBytes(at: row) { writeText($0, into: &out) }
        case .values(let a): writeValue(a[row], into: &out)
        }
    }

    private func writeValue(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .null: return
        case .int(let i): writeInt(i, into: &out)
        case .double(let d): writeDouble(d, into: &out)
        case .bool(let b): writeLiteral(b ? "true" : "false", into: &out)
        case .string(var s): s.withUTF8 { writeText(UnsafeRawBufferPointer($0), into: &out) }
        case .timestamp(let t):
            var s = t.iso8601
            s.withUTF8 { writeText(UnsafeRawBufferPointer($0), into: &out) }
        case .array, .object:
            JSONText.bytes(value).withUnsafeBytes { writeText($0, into: &out) }
        }
    }

    private func writeDouble(_ d: Double, into out: inout [UInt8]) {
        // Swift's description is the shortest text that reads back as the same double.
        var s = d.description
        if checkNumbers {
            s.withUTF8 { writeText(UnsafeRawBufferPointer($0), into: &out) }
        } else {
            out.append(contentsOf: s.utf8)
        }
    }

    private func writeInt(_ i: Int, into out: inout [UInt8]) {
        guard checkNumbers else { return JSONText.appendInt(i, to: &out) }
        var digits: [UInt8] = []
        JSONText.appendInt(i, to: &digits)
        digits.withUnsafeBytes { writeText($0, into: &out) }
    }

    private func writeLiteral(_ literal: StaticString, into out: inout [UInt8]) {
        literal.withUTF8Buffer { writeText(UnsafeRawBufferPointer($0), into: &out) }
    }

    /// Writes `bytes` as one cell, quoted (with `"` doubled) when it must be.
    private func writeText(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let delimiter = options.delimiter
        var needsQuotes = bytes.isEmpty
        var quotes = 0
        for b in bytes {
            if b == UInt8(ascii: "\"") {
                quotes += 1
                needsQuotes = true
            } else if b == delimiter || b == 0x0A || b == 0x0D {
                needsQuotes = true
            }
        }
        if let first = bytes.first, let last = bytes.last, first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 {
            needsQuotes = true
        }
        guard needsQuotes else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(UInt8(ascii: "\""))
        if quotes == 0 {
            out.append(contentsOf: bytes)
        } else {
            for b in bytes {
                out.append(b)
                if b == UInt8(ascii: "\"") { out.append(b) }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
