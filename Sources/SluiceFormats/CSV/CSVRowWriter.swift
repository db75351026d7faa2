import SluiceCore

/// Writes rows of CSV cells straight from typed column storage, with the quoting rules of
/// ``CSVEncoder`` (the same bytes ``CSVCellText`` appends cell by cell).
///
/// The output room for the whole batch is reserved once, from each column's widest cell,
/// and the rows are written through a pointer; text columns are checked for the delimiter,
/// `"`, CR and LF once per batch, so a cell of a clean column needs only its ends checked.
struct CSVRowWriter {
    let cellText: CSVCellText

    private enum Cell {
        case int(UnsafePointer<Int>)
        case double(UnsafePointer<Double>)
        case bool(UnsafePointer<Bool>)
        /// Text without the delimiter, `"`, CR or LF: quoted only when empty or when it
        /// starts or ends with a space or tab.
        case text(TextView)
        case specialText(TextView)
        /// CSV cells already encoded by ``CSVCellText``.
        case encoded(TextView)
        /// A field the batch does not have: always empty.
        case missing
    }

    /// Appends `rows` lines, one cell per column (`nil` columns are empty).
    func write(_ columns: [Column?], rows: Int, into out: inout [UInt8]) {
        guard rows > 0 else { return }
        let checkNumbers = cellText.checkNumbers
        ColumnViews.with(
            columns, rows: rows,
            preEncode: { column in
                guard checkNumbers else { return false }
                if case .text = column.storage { return false }
                return true
            },
            encodeCell: { column, row, scratch in cellText.appendCell(column, row: row, into: &scratch) }
        ) { views in
            var fields: [(cell: Cell, presence: UnsafePointer<Column.Presence>?)] = []
            // Delimiters, the line feed, and `""` for a line of one empty cell.
            var maxCount = rows * (columns.count + 3)
            for view in views {
                let (cell, width) = cell(for: view, rows: rows)
                fields.append((cell, view.presence))
                maxCount += width
            }
            let delimiter = cellText.delimiter
            let single = fields.count == 1
            fields.withUnsafeBufferPointer { fields in
                OutputBytes.append(to: &out, maxCount: maxCount) { start in
                    var p = start
                    for row in 0..<rows {
                        let lineStart = p
                        var first = true
                        for field in fields {
                            if !first {
                                p.pointee = delimiter
                                p += 1
                            }
                            first = false
                            if let presence = field.presence, presence[row] != .present { continue }
                            p = write(field.cell, row: row, at: p)
                        }
                        // One empty cell would make an empty line, which reads back as no row.
                        if p == lineStart, single { p = OutputBytes.write("\"\"", at: p) }
                        p.pointee = 0x0A
                        p += 1
                    }
                    return p
                }
            }
        }
    }

    /// The cell writer for `view` and the most bytes its `rows` cells can take.
    private func cell(for view: ColumnView, rows: Int) -> (Cell, Int) {
        switch view.cells {
        case .ints(let a):
            return (.int(a), rows * DecimalWriting.widestDecimal(a, count: rows))
        case .doubles(let a):
            return (.double(a), rows * DecimalWriting.maxDoubleWidth)
        case .bools(let a):
            return (.bool(a), rows * 5)
        case .text(let t):
            let span = t.span(rows: rows)
            if ByteClasses.hasCSVSpecial(span.start, count: span.count, delimiter: cellText.delimiter) {
                return (.specialText(t), span.count + ByteClasses.quoteCount(span.start, count: span.count) + 2 * rows)
            }
            return (.text(t), span.count + 2 * rows)
        case .encoded(let t):
            return (.encoded(t), t.span(rows: rows).count)
        case .missing:
            return (.missing, 0)
        }
    }

    /// Writes the cell of `cell` at `row`; returns the end.
    @inline(__always)
    private func write(_ cell: Cell, row: Int, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        switch cell {
        case .int(let a):
            return DecimalWriting.writeInt(a[row], at: p)
        case .double(let a):
            return DecimalWriting.writeDouble(a[row], at: p)
        case .bool(let a):
            return OutputBytes.write(a[row] ? "true" : "false", at: p)
        case .text(let t):
            let (start, count) = t.cell(row)
            guard count > 0, start[0] != 0x20, start[0] != 0x09, start[count - 1] != 0x20, start[count - 1] != 0x09 else {
                return quoted(start, count: count, at: p)
            }
            return OutputBytes.copy(start, count: count, to: p)
        case .specialText(let t):
            let (start, count) = t.cell(row)
            guard count > 0, start[0] != 0x20, start[0] != 0x09, start[count - 1] != 0x20, start[count - 1] != 0x09,
                !ByteClasses.hasCSVSpecial(start, count: count, delimiter: cellText.delimiter)
            else {
                return quoted(start, count: count, at: p)
            }
            return OutputBytes.copy(start, count: count, to: p)
        case .encoded(let t):
            let (start, count) = t.cell(row)
            return OutputBytes.copy(start, count: count, to: p)
        case .missing:
            return p
        }
    }

    /// Writes `count` bytes from `s` between quotes, with every `"` doubled.
    private func quoted(_ s: UnsafePointer<UInt8>, count: Int, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = p
        p.pointee = UInt8(ascii: "\"")
        p += 1
        for i in 0..<count {
            let b = s[i]
            p.pointee = b
            p += 1
            if b == UInt8(ascii: "\"") {
                p.pointee = b
                p += 1
            }
        }
        p.pointee = UInt8(ascii: "\"")
        return p + 1
    }
}
