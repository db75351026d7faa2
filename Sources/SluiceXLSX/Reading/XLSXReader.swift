// Written here: the Swift XLSX packages (CoreXLSX and its kin) decode whole parts into Codable
// models through a DOM-style XML decoder, so a sheet of a million rows would be held in memory
// several times over; none streams a sheet or hands out typed columns.
import SluiceCore
import SluiceFormats

/// Reads one sheet of an XLSX workbook as batches of records.
///
/// Opening reads the package's zip directory, finds the workbook through the package
/// relationships, resolves the sheet through `xl/workbook.xml` and its relationships, and
/// loads the shared strings (held in memory, see ``XLSXLimits/maximumSharedStringBytes``) and
/// the cell formats of `xl/styles.xml`. The sheet itself is streamed: its part is inflated
/// piece by piece and tokenized as the bytes arrive, so memory stays at one batch plus buffers
/// however many rows the sheet has.
///
/// Values: text as strings; numbers as integers when integral, else doubles; booleans; dates
/// (numbers with a date format, in the workbook's 1900 or 1904 system, to the millisecond) as
/// timestamps, times of day (date-formatted numbers below 1) and elapsed times (`[h]:mm:ss`
/// formats) as `HH:MM:SS[.ffffff]` text; formulas as their cached values; error cells
/// (`#DIV/0!`, `#N/A`…) and empty or missing cells as null. Merged cells are read as stored:
/// Excel keeps the value in the top-left cell and leaves the others empty, so they read as
/// null (as openpyxl reads them). Positions are sheet row numbers.
public final class XLSXReader: RecordFileReader {
    /// XLSX declares no schema.
    public var declaredSchema: [FieldSchema]? { nil }
    /// The sheet read.
    public let sheetName: String
    /// The names of all sheets, in workbook order.
    public let sheetNames: [String]

    private let input: any RandomAccessInput
    private var parser: XLSXSheetParser
    private var assembler: XLSXRowAssembler
    private let range: XLSXRange
    private var row = XLSXRow()
    private var reportedBytes = 0
    private var reportedConsumed = 0
    private var done = false
    private var knownWidth = -1
    private var knownHeader = false
    private let skipEmptyRows: Bool
    /// Whether `row` was read from the sheet but not yet assembled (rows missing before it
    /// are being filled in).
    private var holding = false
    /// The row number the next record has when empty rows are kept.
    private var nextRowNumber: Int?

    /// Opens `input` and the sheet `options` selects. Throws ``FormatError`` for a file that is
    /// not a readable workbook (naming the file and the part) or a sheet that is not there.
    public init(input: any RandomAccessInput, options: XLSXReadOptions = XLSXReadOptions()) throws {
        self.input = input
        let range = try options.range.map { try XLSXRange(parsing: $0) } ?? .all
        self.range = range
        skipEmptyRows = options.skipEmptyRows
        let package = try XLSXPackage(input: input)
        let workbook = try XLSXWorkbook(package: package)
        sheetNames = workbook.sheets.map(\.name)
        let sheet = try Self.select(options.sheet, in: workbook, file: input.name)
        sheetName = sheet.name
        guard let part = sheet.part, package.has(part) else {
            throw FormatError("\(input.name): sheet \"\(sheet.name)\" has no worksheet part\(sheet.part.map { " (\($0) is missing)" } ?? "")")
        }
        guard sheet.kind == "worksheet" else {
            throw FormatError("\(input.name): sheet \"\(sheet.name)\" is a \(sheet.kind), which holds no cells")
        }
        let sharedStrings = try workbook.sharedStringsPart.map { try XLSXSharedStrings(package: package, part: $0) } ?? XLSXSharedStrings()
        let styles = try workbook.stylesPart.map { try XLSXStyles(package: package, part: $0) } ?? XLSXStyles()
        parser = XLSXSheetParser(
            tokenizer: try package.tokenizer(part), sharedStrings: sharedStrings, styles: styles, date1904: workbook.date1904, range: range)
        assembler = XLSXRowAssembler(
            range: range, header: options.header, projection: options.projection, skipEmptyRows: options.skipEmptyRows,
            batchSize: options.batchSize, sharedStrings: sharedStrings)
        // Everything but the sheet's compressed bytes is counted with the first chunk.
        reportedBytes = 0
        overhead = input.size - (package.entry(part)?.compressedSize ?? 0)
    }

    private var overhead = 0

    public func next() throws -> SourceChunk? {
        guard !done else { return nil }
        while true {
            guard try readRow() else {
                done = true
                let batch = assembler.takeBatch()
                let bytes = input.size - reportedBytes
                reportedBytes = input.size
                if batch.isEmpty, batch.fields.isEmpty, bytes == 0 { return nil }
                return SourceChunk(batch: batch, bytes: bytes)
            }
            if assembler.isFull {
                return SourceChunk(batch: assembler.takeBatch(), bytes: takeBytes())
            }
        }
    }

    /// Reads and assembles the next row in range; `false` at the end of the range or sheet.
    /// The bytes of the sheet tokenizer's buffer (for tests of bounded memory).
    var sheetBufferBytes: Int { parser.tokenizer.bufferCapacity }

    /// Reads and assembles the next row in range (or, keeping empty rows, the next row
    /// missing from the sheet before it); `false` at the end of the range or sheet.
    private func readRow() throws -> Bool {
        while true {
            if !holding {
                guard try parser.nextRow(into: &row) else {
                    try parser.drain()
                    return false
                }
                if row.number < range.firstRow { continue }
                if row.number > range.lastRow { return false }
                holding = true
            }
            if !skipEmptyRows, assembler.fieldsKnown {
                let next = nextRowNumber ?? range.firstRow
                if next < row.number {
                    assembler.addEmptyRow(number: next)
                    nextRowNumber = next + 1
                    return true
                }
            }
            holding = false
            assembler.add(row)
            if assembler.fieldsKnown { nextRowNumber = row.number + 1 }
            if assembler.fieldsKnown != knownHeader || assembler.names.count != knownWidth { updateWanted() }
            return true
        }
    }

    /// Tells the parser which columns to decode, after the fields changed.
    private func updateWanted() {
        knownHeader = assembler.fieldsKnown
        knownWidth = assembler.names.count
        for column in range.firstColumn...range.lastColumn {
            parser.wanted[column] = assembler.wants(offset: column - range.firstColumn)
        }
    }

    /// The bytes to report with a chunk: the compressed sheet bytes consumed since the last
    /// chunk, plus the rest of the file with the first.
    private func takeBytes() -> Int {
        let consumed = parser.consumedBytes
        var bytes = consumed - reportedConsumed
        reportedConsumed = consumed
        if reportedBytes == 0 { bytes += overhead }
        bytes = min(bytes, input.size - reportedBytes)
        reportedBytes += bytes
        return bytes
    }

    private static func select(_ choice: XLSXReadOptions.Sheet?, in workbook: XLSXWorkbook, file: String) throws -> XLSXWorkbook.Sheet {
        let names = workbook.sheets.map { "\"\($0.name)\"" }.joined(separator: ", ")
        switch choice {
        case nil:
            return workbook.sheets[0]
        case .index(let i):
            guard i >= 1, i <= workbook.sheets.count else {
                throw FormatError("\(file): there is no sheet \(i); the workbook has \(workbook.sheets.count) (\(names))")
            }
            return workbook.sheets[i - 1]
        case .name(let name):
            if let sheet = workbook.sheets.first(where: { $0.name == name }) { return sheet }
            if let sheet = workbook.sheets.first(where: { $0.name.lowercased() == name.lowercased() }) { return sheet }
            throw FormatError("\(file): there is no sheet \"\(name)\"; the workbook has \(names)")
        }
    }
}
