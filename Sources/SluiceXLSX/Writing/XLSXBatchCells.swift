import SluiceCore

/// The cells of one batch as XML, column by column (each column's storage is switched over
/// once, then walked with a typed loop); the sheet writer then puts them together row by row.
struct XLSXBatchCells {
    /// One column's cells back to back; cell `i` is `bytes[ends[i - 1] ..< ends[i]]` (from 0
    /// for the first), empty for a null.
    struct EncodedColumn {
        var bytes: [UInt8] = []
        var ends: [Int] = []

        @inline(__always)
        func range(_ row: Int) -> Range<Int> { (row == 0 ? 0 : ends[row - 1])..<ends[row] }
    }

    /// A value that cannot be written: at `row` of field number `field`.
    struct Failure: Error {
        var field: Int
        var row: Int
        var message: String
    }

    private(set) var columns: [EncodedColumn] = []
    let rows: Int

    /// Encodes `columns` (parallel to the written fields; `nil` for a field the batch lacks)
    /// of a batch of `rows` rows. `dateOnly[i]` is the declared date-ness of field `i`.
    init(columns source: [Column?], rows: Int, dateOnly: [Bool?]) throws {
        self.rows = rows
        columns.reserveCapacity(source.count)
        for (field, column) in source.enumerated() {
            var encoded = EncodedColumn()
            encoded.ends.reserveCapacity(rows)
            guard let column = column?.flatteningDictionary() else {
                encoded.ends = Array(repeating: 0, count: rows)
                columns.append(encoded)
                continue
            }
            encoded.bytes.reserveCapacity(rows * 16)
            let presence = column.presence
            /// Appends cell `r` with `write`, naming the cell in a failure.
            func cell(_ r: Int, _ write: (inout [UInt8]) throws -> Void) throws {
                if presence.map({ $0[r] == .present }) ?? true {
                    do {
                        try write(&encoded.bytes)
                    } catch let failure as XLSXCellXML.Failure {
                        throw Failure(field: field, row: r, message: failure.message)
                    } catch {
                        throw Failure(field: field, row: r, message: "\(error)")
                    }
                }
                encoded.ends.append(encoded.bytes.count)
            }
            switch column.storage {
            case .ints(let values):
                for r in 0..<rows { try cell(r) { XLSXCellXML.appendInt(values[r], to: &$0) } }
            case .doubles(let values):
                for r in 0..<rows { try cell(r) { (out) in try XLSXCellXML.appendDouble(values[r], to: &out) } }
            case .bools(let values):
                for r in 0..<rows { try cell(r) { XLSXCellXML.appendBool(values[r], to: &$0) } }
            case .text(let text):
                for r in 0..<rows {
                    try cell(r) { (out) in
                        let range = text.range(r)
                        try text.bytes.withUnsafeBytes { (b) in
                            try XLSXCellXML.appendText(UnsafeRawBufferPointer(rebasing: b[range]), to: &out)
                        }
                    }
                }
            case .dictionary:
                preconditionFailure("flattened above")
            case .values(let values):
                let hint = dateOnly[field]
                for r in 0..<rows {
                    try cell(r) { (out) in try XLSXCellXML.appendValue(values[r], dateOnly: hint, to: &out) }
                }
            }
            columns.append(encoded)
        }
    }
}
