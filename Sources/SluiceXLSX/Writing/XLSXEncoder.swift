// Written here: no Swift package writes XLSX as a stream (the workbook would have to be built in
// memory first), and Sluice's encoders append bytes for the target in order.
import SluiceCore
import SluiceFormats

/// Writes records as an XLSX workbook.
///
/// One sheet: the package's fixed parts go out at ``begin(into:)``, then the sheet's XML is
/// deflated as rows arrive and appended to the output (a zip entry with a data descriptor),
/// and ``finish(into:)`` adds the zip directory — memory stays at one batch plus the
/// compressor's buffers. With ``XLSXWriteOptions/splitField`` every sheet streams into its own
/// scratch file and ``finish(into:)`` appends the whole package (so the compressed workbook is
/// in memory once, at the end).
///
/// The fields are the declared ones (``XLSXWriteOptions/fieldSchemas``) or else the first
/// batch's; as in CSV, a later batch's missing fields are written empty and its extra fields
/// are dropped. Cell types: see ``XLSXCellXML``. Excel's limits are enforced: more than
/// ``XLSXLimits/maximumRows`` rows in a sheet, ``XLSXLimits/maximumColumns`` fields, or
/// ``XLSXLimits/maximumCellCharacters`` characters in a cell fail with a ``FormatError``
/// naming the limit.
public struct XLSXEncoder: RecordFileEncoder {
    public let options: XLSXWriteOptions
    private var zip = ZipWriter()
    private var fields: [String]?
    private var letters: [[UInt8]] = []
    private var dateOnly: [Bool?] = []
    private var sheets: [XLSXSheetStream] = []
    private var sheetByKey: [String: Int] = [:]
    private var names = XLSXSheetName()
    private var records = 0

    public init(options: XLSXWriteOptions = XLSXWriteOptions()) {
        self.options = options
    }

    public mutating func begin(into out: inout [UInt8]) throws {
        if !options.fieldSchemas.isEmpty { try setFields(options.fieldSchemas.map(\.name)) }
        guard options.splitField == nil else { return }
        let name = names.make(options.sheetName)
        try writeFixedParts(sheetNames: [name], into: &out)
        let sheet = try XLSXSheetStream(name: name, number: 1, level: options.compressionLevel, scratch: nil)
        sheets.append(sheet)
        zip.beginStreamedEntry(name: sheet.part, into: &out)
        sheet.append(XLSXPackageParts.sheetStart(frozenHeader: options.header))
        if fields != nil { try writeHeader(sheet) }
    }

    public mutating func encode(_ batch: RecordBatch, into out: inout [UInt8]) throws {
        if fields == nil {
            try setFields(batch.fields)
            if options.splitField == nil, let sheet = sheets.first { try writeHeader(sheet) }
        }
        guard let fields, batch.count > 0 else { return }
        let columns: [Column?] = batch.fields == fields ? batch.columns : fields.map { batch.column(named: $0) }
        let cells: XLSXBatchCells
        do {
            cells = try XLSXBatchCells(columns: columns, rows: batch.count, dateOnly: dateOnly)
        } catch let failure as XLSXBatchCells.Failure {
            throw FormatError("XLSX: field \"\(fields[failure.field])\" of record \(batch.positions[failure.row]): \(failure.message)")
        }
        let targets = try sheetPerRow(batch, into: &out)
        for row in 0..<batch.count {
            let sheet = targets.map { sheets[$0[row]] } ?? sheets[0]
            guard let number = sheet.beginRow() else {
                throw FormatError("XLSX: sheet \"\(sheet.name)\" would have more than \(XLSXLimits.maximumRows) rows, Excel's limit (at record \(batch.positions[row]))")
            }
            for (field, column) in cells.columns.enumerated() {
                let range = column.range(row)
                guard !range.isEmpty else { continue }
                column.bytes.withUnsafeBytes { sheet.appendCell(letters: letters[field], row: number, rest: UnsafeRawBufferPointer(rebasing: $0[range])) }
            }
            sheet.endRow()
            if sheet.shouldFlush { zip.noteData(try sheet.flush(into: &out)) }
        }
        records += batch.count
    }

    public mutating func finish(into out: inout [UInt8]) throws {
        if options.splitField == nil {
            guard let sheet = sheets.first else {
                throw FormatError("XLSX: finish without begin")
            }
            sheet.append(XLSXPackageParts.sheetEnd)
            zip.noteData(try sheet.finish(into: &out))
            zip.endStreamedEntry(crc: sheet.checksum, compressedSize: sheet.compressedSize, uncompressedSize: sheet.uncompressedSize, into: &out)
        } else {
            if sheets.isEmpty { _ = try makeSheet(named: options.sheetName) }
            try writeFixedParts(sheetNames: sheets.map(\.name), into: &out)
            for sheet in sheets {
                sheet.append(XLSXPackageParts.sheetEnd)
                try sheet.finish(into: &out)
                zip.beginKnownEntry(
                    name: sheet.part, crc: sheet.checksum, compressedSize: sheet.compressedSize, uncompressedSize: sheet.uncompressedSize,
                    into: &out)
                try sheet.copyScratch(into: &out)
                zip.noteData(sheet.compressedSize)
            }
            sheets = []
        }
        zip.finish(into: &out)
    }

    // MARK: - Fields and sheets

    private mutating func setFields(_ names: [String]) throws {
        guard names.count <= XLSXLimits.maximumColumns else {
            throw FormatError("XLSX: \(names.count) fields, more than Excel's limit of \(XLSXLimits.maximumColumns) columns")
        }
        fields = names
        letters = (1...max(1, names.count)).map { XLSXCellReference.letterBytes($0) }
        let declared = Dictionary(options.fieldSchemas.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        dateOnly = names.map { name in
            switch declared[name] {
            case .date: return true
            case .timestamp: return false
            default: return nil
            }
        }
    }

    private func writeHeader(_ sheet: XLSXSheetStream) throws {
        guard options.header, let fields, !fields.isEmpty else { return }
        guard let number = sheet.beginRow() else { return }
        var rest: [UInt8] = []
        for (i, name) in fields.enumerated() {
            rest.removeAll(keepingCapacity: true)
            do {
                try XLSXCellXML.appendString(name, style: XLSXCellXML.headerStyle, to: &rest)
            } catch let failure as XLSXCellXML.Failure {
                throw FormatError("XLSX: field name \"\(name)\": \(failure.message)")
            }
            rest.withUnsafeBytes { sheet.appendCell(letters: letters[i], row: number, rest: $0) }
        }
        sheet.endRow()
    }

    /// With a split field, the sheet number of each row (making sheets for new values);
    /// `nil` without one.
    private mutating func sheetPerRow(_ batch: RecordBatch, into out: inout [UInt8]) throws -> [Int]? {
        guard let split = options.splitField else { return nil }
        let column = batch.column(named: split)
        var targets: [Int] = []
        targets.reserveCapacity(batch.count)
        var lastKey: String?
        var lastSheet = 0
        for row in 0..<batch.count {
            let value = column?.value(at: row) ?? .null
            let key = Self.key(value)
            if key == lastKey {
                targets.append(lastSheet)
                continue
            }
            let sheet: Int
            if let existing = sheetByKey[key] {
                sheet = existing
            } else {
                guard sheets.count < XLSXWriteOptions.maximumSheets else {
                    throw FormatError("XLSX: splitting by \"\(split)\" would make more than \(XLSXWriteOptions.maximumSheets) sheets, the limit (at record \(batch.positions[row]))")
                }
                sheet = try makeSheet(named: Self.sheetTitle(value))
                sheetByKey[key] = sheet
            }
            lastKey = key
            lastSheet = sheet
            targets.append(sheet)
        }
        return targets
    }

    /// A new sheet streaming into a scratch file, with its header.
    private mutating func makeSheet(named raw: String) throws -> Int {
        let name = names.make(raw)
        let sheet = try XLSXSheetStream(
            name: name, number: sheets.count + 1, level: options.compressionLevel, scratch: try XLSXScratchFile(directory: options.scratchDirectory))
        sheet.append(XLSXPackageParts.sheetStart(frozenHeader: options.header))
        try writeHeader(sheet)
        sheets.append(sheet)
        return sheets.count - 1
    }

    private mutating func writeFixedParts(sheetNames: [String], into out: inout [UInt8]) throws {
        do {
            try zip.addEntry(name: "[Content_Types].xml", data: XLSXPackageParts.contentTypes(sheetCount: sheetNames.count), into: &out)
            try zip.addEntry(name: "_rels/.rels", data: XLSXPackageParts.packageRelationships, into: &out)
            try zip.addEntry(name: "xl/workbook.xml", data: XLSXPackageParts.workbook(sheetNames: sheetNames), into: &out)
            try zip.addEntry(name: "xl/_rels/workbook.xml.rels", data: XLSXPackageParts.workbookRelationships(sheetCount: sheetNames.count), into: &out)
            try zip.addEntry(name: "xl/styles.xml", data: XLSXPackageParts.styles, into: &out)
        } catch let failure as RawDeflater.Failure {
            throw FormatError("XLSX: \(failure.message)")
        }
    }

    /// What tells split values apart (their kind and text).
    private static func key(_ value: Value) -> String {
        switch value {
        case .null: return "n"
        case .string(let s): return "s" + s
        default: return "v" + sheetTitle(value)
        }
    }

    /// The text a split value names its sheet with: `(blank)` for null.
    static func sheetTitle(_ value: Value) -> String {
        switch value {
        case .null: return "(blank)"
        case .string(let s): return s
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .int(let i): return String(i)
        case .double(let d): return d.description
        case .timestamp(let t):
            let c = t.civil
            let date = "\(c.year)-\(c.month < 10 ? "0" : "")\(c.month)-\(c.day < 10 ? "0" : "")\(c.day)"
            return t.microseconds % 86_400_000_000 == 0 ? date : t.iso8601
        case .array, .object: return JSONText.string(value)
        }
    }
}
