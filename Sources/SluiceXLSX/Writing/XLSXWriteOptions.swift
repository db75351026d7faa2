import SluiceCore

/// How to write records as an XLSX workbook.
public struct XLSXWriteOptions: Sendable {
    /// The most sheets ``splitField`` may create (each open sheet holds a compressor and a
    /// scratch file until the end).
    public static let maximumSheets = 256

    /// The sheet's name (without ``splitField``), made valid as Excel requires (see
    /// ``XLSXSheetName``).
    public var sheetName: String
    /// Whether the first row holds the field names (in bold, with the pane frozen below it).
    public var header: Bool
    /// One sheet per distinct value of this field, named after the value, in the order the
    /// values first appear; `nil` writes one sheet.
    public var splitField: String?
    /// Declared field types: the fields (and their order) when given, else the first batch's
    /// fields; a `date` field's timestamps get a date format, a `timestamp` field's a
    /// date-time format (without a declaration, a timestamp at midnight gets the date format).
    public var fieldSchemas: [FieldSchema]
    /// Where sheets being split are compressed to until ``XLSXEncoder/finish(into:)`` puts
    /// the package together.
    public var scratchDirectory: String
    /// The zlib level of the sheets' compression (1 fastest … 9 smallest).
    public var compressionLevel: Int

    public init(
        sheetName: String = "Sheet1", header: Bool = true, splitField: String? = nil, fieldSchemas: [FieldSchema] = [],
        scratchDirectory: String = XLSXWriteOptions.defaultScratchDirectory, compressionLevel: Int = 6
    ) {
        self.sheetName = sheetName
        self.header = header
        self.splitField = splitField
        self.fieldSchemas = fieldSchemas
        self.scratchDirectory = scratchDirectory
        self.compressionLevel = min(9, max(1, compressionLevel))
    }

    /// `$TMPDIR`, else `/tmp`.
    public static var defaultScratchDirectory: String {
        if let dir = getenv("TMPDIR").map({ String(cString: $0) }), !dir.isEmpty { return dir }
        return "/tmp"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
