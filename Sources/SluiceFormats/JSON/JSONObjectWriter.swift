import SluiceCore

/// Writes rows of a batch as compact JSON objects straight from typed column storage:
/// fields in batch order, absent fields left out, nulls written as `null`.
///
/// The output room for the whole batch is reserved once, from each column's widest cell,
/// and the rows are written through a pointer; text columns are checked for bytes that need
/// escaping once per batch, so clean text is copied as it is.
struct JSONObjectWriter {
    /// Text around each object: `before` every object but the first, `first` before the
    /// first, `after` after every object.
    struct Framing {
        var first: StaticString
        var before: StaticString
        var after: StaticString
    }

    private enum Cell {
        case int(UnsafePointer<Int>)
        case double(UnsafePointer<Double>)
        case bool(UnsafePointer<Bool>)
        /// Text without bytes that need escaping: copied between quotes.
        case text(TextView)
        case escapedText(TextView)
        /// JSON text already encoded (nested values).
        case encoded(TextView)
    }

    /// One field's cells, presence and key, for the row loop.
    private struct Field {
        let cell: Cell
        let presence: UnsafePointer<Column.Presence>?
        /// `,"key":`.
        let key: UnsafePointer<UInt8>
        let keyCount: Int
    }

    /// `,"key":` for each field, back to back, and one spare byte; the comma is skipped for an
    /// object's first field.
    private let keys: [UInt8]
    /// Start of each field's key in ``keys``, plus the end.
    private let keyOffsets: [Int]
    private let batch: RecordBatch

    init(_ batch: RecordBatch) {
        var keys: [UInt8] = []
        var keyOffsets = [0]
        for field in batch.fields {
            keys.append(UInt8(ascii: ","))
            JSONText.appendString(field, to: &keys)
            keys.append(UInt8(ascii: ":"))
            keyOffsets.append(keys.count)
        }
        // Never empty, so there is a base address even for a batch without fields.
        keys.append(0)
        self.keys = keys
        self.keyOffsets = keyOffsets
        self.batch = batch
    }

    /// Appends every row as one object, framed by `framing`.
    func writeRows(framing: Framing, into out: inout [UInt8]) {
        let rows = batch.count
        guard rows > 0 else { return }
        ColumnViews.with(
            batch.columns, rows: rows, preEncode: { _ in false },
            encodeCell: Self.appendCell
        ) { views in
            keys.withUnsafeBufferPointer { keys in
                guard let keyBytes = keys.baseAddress else { preconditionFailure("keys are never empty") }
                var fields: [Field] = []
                var maxCount = rows * (framing.first.utf8CodeUnitCount + framing.before.utf8CodeUnitCount + framing.after.utf8CodeUnitCount + 2)
                maxCount += rows * keys.count
                for (c, view) in views.enumerated() {
                    let (cell, width) = Self.cell(for: view, rows: rows)
                    let key = keyBytes + keyOffsets[c]
                    fields.append(Field(cell: cell, presence: view.presence, key: key, keyCount: keyOffsets[c + 1] - keyOffsets[c]))
                    maxCount += width + (view.presence == nil ? 0 : rows * 4)
                }
                fields.withUnsafeBufferPointer { fields in
                    OutputBytes.append(to: &out, maxCount: maxCount) { start in
                        var p = start
                        for row in 0..<rows {
                            p = OutputBytes.write(row == 0 ? framing.first : framing.before, at: p)
                            p.pointee = UInt8(ascii: "{")
                            p += 1
                            var comma = 1
                            for field in fields {
                                var state = Column.Presence.present
                                if let presence = field.presence {
                                    state = presence[row]
                                    if state == .absent { continue }
                                }
                                p = OutputBytes.copy(field.key + comma, count: field.keyCount - comma, to: p)
                                comma = 0
                                if state == .null {
                                    p = OutputBytes.write("null", at: p)
                                } else {
                                    p = Self.write(field.cell, row: row, at: p)
                                }
                            }
                            p.pointee = UInt8(ascii: "}")
                            p = OutputBytes.write(framing.after, at: p + 1)
                        }
                        return p
                    }
                }
            }
        }
    }

    /// Appends the JSON text of row `row` of `column`, text as its bytes are (no `String`
    /// round trip, which would repair invalid UTF-8).
    private static func appendCell(_ column: Column, row: Int, into out: inout [UInt8]) {
        if case .text(let t) = column.storage {
            t.withBytes(at: row) { JSONText.appendString(bytes: $0, to: &out) }
        } else {
            JSONText.append(column.value(at: row), to: &out)
        }
    }

    /// The cell writer for `view` and the most bytes its `rows` cells can take.
    private static func cell(for view: ColumnView, rows: Int) -> (Cell, Int) {
        switch view.cells {
        case .ints(let a):
            return (.int(a), rows * DecimalWriting.widestDecimal(a, count: rows))
        case .doubles(let a):
            return (.double(a), rows * DecimalWriting.maxDoubleWidth)
        case .bools(let a):
            return (.bool(a), rows * 5)
        case .text(let t):
            let span = t.span(rows: rows)
            if ByteClasses.needsJSONEscape(span.start, count: span.count) {
                return (.escapedText(t), span.count + ByteClasses.jsonEscapeGrowth(span.start, count: span.count) + 2 * rows)
            }
            return (.text(t), span.count + 2 * rows)
        case .encoded(let t):
            return (.encoded(t), t.span(rows: rows).count)
        case .missing:
            preconditionFailure("every column of a batch has a view")
        }
    }

    /// Writes the value of `cell` at `row`; returns the end.
    @inline(__always)
    private static func write(_ cell: Cell, row: Int, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        switch cell {
        case .int(let a):
            return DecimalWriting.writeInt(a[row], at: p)
        case .double(let a):
            let value = a[row]
            guard value.isFinite else { return OutputBytes.write("null", at: p) }
            return DecimalWriting.writeDouble(value, at: p)
        case .bool(let a):
            return OutputBytes.write(a[row] ? "true" : "false", at: p)
        case .text(let t):
            let (start, count) = t.cell(row)
            p.pointee = UInt8(ascii: "\"")
            let end = OutputBytes.copy(start, count: count, to: p + 1)
            end.pointee = UInt8(ascii: "\"")
            return end + 1
        case .escapedText(let t):
            let (start, count) = t.cell(row)
            return JSONEscaping.writeString(start, count: count, at: p)
        case .encoded(let t):
            let (start, count) = t.cell(row)
            return OutputBytes.copy(start, count: count, to: p)
        }
    }
}
