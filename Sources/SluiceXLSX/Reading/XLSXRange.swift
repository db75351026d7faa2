import SluiceFormats

/// The cells of a sheet to read: `A1:D100`, open-ended `B3:` (from B3 right and down), whole
/// columns `A:C`, whole rows `2:10`, or one start cell `B3` (as `B3:`).
public struct XLSXRange: Sendable, Equatable {
    /// First and last 1-based column.
    public var firstColumn: Int
    public var lastColumn: Int
    /// First and last 1-based row.
    public var firstRow: Int
    public var lastRow: Int

    /// The whole sheet.
    public static let all = XLSXRange(firstColumn: 1, lastColumn: XLSXLimits.maximumColumns, firstRow: 1, lastRow: XLSXLimits.maximumRows)

    public init(firstColumn: Int, lastColumn: Int, firstRow: Int, lastRow: Int) {
        self.firstColumn = firstColumn
        self.lastColumn = lastColumn
        self.firstRow = firstRow
        self.lastRow = lastRow
    }

    /// Parses a range; throws ``FormatError`` saying what is wrong.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: [" "])
        let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let startText = parts.first, !startText.isEmpty,
            let start = XLSXCellReference.parse(String(startText))
        else {
            throw FormatError("the XLSX range `\(text)` is not like A1:D100, B3:, A:C or 2:10")
        }
        var range = XLSXRange.all
        range.firstColumn = start.column ?? 1
        range.firstRow = start.row ?? 1
        if parts.count == 2, !parts[1].isEmpty {
            guard let end = XLSXCellReference.parse(String(parts[1])), (end.column == nil) == (start.column == nil),
                (end.row == nil) == (start.row == nil)
            else {
                throw FormatError("the XLSX range `\(text)` is not like A1:D100, B3:, A:C or 2:10")
            }
            range.lastColumn = end.column ?? XLSXLimits.maximumColumns
            range.lastRow = end.row ?? XLSXLimits.maximumRows
        }
        guard range.firstColumn <= range.lastColumn, range.firstRow <= range.lastRow else {
            throw FormatError("the XLSX range `\(text)` ends before it starts")
        }
        self = range
    }

    @inline(__always)
    func contains(column: Int) -> Bool { column >= firstColumn && column <= lastColumn }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
