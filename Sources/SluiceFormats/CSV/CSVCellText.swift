import SluiceCore

/// The text of single CSV cells, appended to an array: for the header, for `[Value]` cells,
/// and for number cells when the delimiter is a byte numbers can contain. Rows of typed
/// columns take the pointer path in ``CSVRowWriter``, which writes the same bytes.
struct CSVCellText {
    let delimiter: UInt8
    /// Whether numbers need the quoting check too (only with a delimiter a number can contain).
    let checkNumbers: Bool

    init(delimiter: UInt8) {
        self.delimiter = delimiter
        let d = delimiter
        checkNumbers = (d >= 48 && d <= 57) || (d | 0x20 >= 97 && d | 0x20 <= 122) || d == UInt8(ascii: ".")
            || d == UInt8(ascii: "-") || d == UInt8(ascii: "+")
    }

    /// Appends row `row` of `column` (nothing for null or absent rows).
    func appendCell(_ column: Column, row: Int, into out: inout [UInt8]) {
        guard column.isPresent(row) else { return }
        switch column.storage {
        case .ints(let a): appendInt(a[row], into: &out)
        case .doubles(let a): appendDouble(a[row], into: &out)
        case .bools(let a): appendLiteral(a[row] ? "true" : "false", into: &out)
        case .text(let t): t.withBytes(at: row) { appendText($0, into: &out) }
        case .dictionary(let d): d.dictionary.withBytes(at: d.code(at: row)) { appendText($0, into: &out) }
        case .values(let a): appendValue(a[row], into: &out)
        }
    }

    private func appendValue(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .null: return
        case .int(let i): appendInt(i, into: &out)
        case .double(let d): appendDouble(d, into: &out)
        case .bool(let b): appendLiteral(b ? "true" : "false", into: &out)
        case .string(var s): s.withUTF8 { appendText(UnsafeRawBufferPointer($0), into: &out) }
        case .timestamp(let t):
            var s = t.iso8601
            s.withUTF8 { appendText(UnsafeRawBufferPointer($0), into: &out) }
        case .array, .object:
            JSONText.bytes(value).withUnsafeBytes { appendText($0, into: &out) }
        }
    }

    private func appendDouble(_ d: Double, into out: inout [UInt8]) {
        // Swift's description is the shortest text that reads back as the same double.
        var s = d.description
        if checkNumbers {
            s.withUTF8 { appendText(UnsafeRawBufferPointer($0), into: &out) }
        } else {
            out.append(contentsOf: s.utf8)
        }
    }

    private func appendInt(_ i: Int, into out: inout [UInt8]) {
        guard checkNumbers else { return JSONText.appendInt(i, to: &out) }
        var digits: [UInt8] = []
        JSONText.appendInt(i, to: &digits)
        digits.withUnsafeBytes { appendText($0, into: &out) }
    }

    private func appendLiteral(_ literal: StaticString, into out: inout [UInt8]) {
        literal.withUTF8Buffer { appendText(UnsafeRawBufferPointer($0), into: &out) }
    }

    /// Appends `bytes` as one cell, quoted (with `"` doubled) when it must be.
    func appendText(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
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
