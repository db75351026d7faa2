import SluiceCore

/// One cell value as the sheet parser decoded it, before it goes into a column.
enum XLSXCellValue {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case timestamp(Timestamp)
    /// Text held in the row's ``XLSXRow/arena``.
    case text(Range<Int>)
    /// Shared string number `n`.
    case shared(Int)
}

/// The cells of one sheet row, in column order; reused from row to row.
struct XLSXRow {
    /// The 1-based sheet row number.
    var number = 0
    /// 1-based column of each cell.
    var columns: [Int] = []
    var values: [XLSXCellValue] = []
    /// The bytes of text cells.
    var arena: [UInt8] = []
    /// Whether any cell in the range held a value (decoded or not).
    var hasValue = false

    mutating func reset(number: Int) {
        self.number = number
        columns.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
        hasValue = false
    }

    mutating func append(column: Int, value: XLSXCellValue) {
        columns.append(column)
        values.append(value)
    }
}
