/// Excel's own limits, and the limits Sluice puts on what it holds in memory while reading.
public enum XLSXLimits {
    /// Rows per worksheet (Excel 2007 and later).
    public static let maximumRows = 1_048_576
    /// Columns per worksheet (`A` … `XFD`).
    public static let maximumColumns = 16_384
    /// Characters (UTF-16 code units) in one cell's text.
    public static let maximumCellCharacters = 32_767
    /// Characters in a sheet name.
    public static let maximumSheetNameCharacters = 31
    /// The shared strings table is held in memory while a sheet is read: at most this many
    /// bytes of decoded text…
    public static let maximumSharedStringBytes = 1 << 30
    /// …and at most this many strings.
    public static let maximumSharedStrings = 32 << 20
    /// Package parts read whole (workbook, relationships, styles) may inflate to at most this.
    public static let maximumSmallPartBytes = 64 << 20
}
