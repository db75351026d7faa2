/// How to read a sheet of an XLSX workbook.
public struct XLSXReadOptions: Sendable {
    /// Which sheet to read.
    public enum Sheet: Sendable, Equatable {
        /// By name: exact first, else ignoring letter case (Excel's names are unique that way).
        case name(String)
        /// By 1-based position in the workbook's sheet order (hidden sheets count).
        case index(Int)
    }

    /// The sheet; `nil` reads the first.
    public var sheet: Sheet?
    /// Whether the first non-empty row of the range names the fields. Without a header the
    /// fields are `column1`, `column2`, … counted from the range's first column, as in CSV.
    public var header: Bool
    /// The cells to read: `A1:D100`, `B3:` (open-ended), `A:C`, `2:10`; `nil` for the whole sheet.
    public var range: String?
    /// Rows per batch.
    public var batchSize: Int
    /// The only fields to build; `nil` builds all.
    public var projection: Set<String>?
    /// Whether rows without any value in the range are left out (their row numbers are
    /// simply missing from the positions). Default `true`: blank spacer rows and formatted
    /// but empty rows at the end are common in spreadsheets. When `false`, every row from the
    /// one after the header (or the range's first row, without a header) to the last row the
    /// sheet stores is a record, all null where the row is empty or missing, as openpyxl's
    /// `iter_rows` yields them.
    public var skipEmptyRows: Bool

    public init(
        sheet: Sheet? = nil, header: Bool = true, range: String? = nil, batchSize: Int = 4096, projection: Set<String>? = nil,
        skipEmptyRows: Bool = true
    ) {
        self.sheet = sheet
        self.header = header
        self.range = range
        self.batchSize = max(1, batchSize)
        self.projection = projection
        self.skipEmptyRows = skipEmptyRows
    }
}
