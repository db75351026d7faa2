import SluiceCore
import SluiceFormats

/// Streams the rows of one worksheet part (`<sheetData>`): tokenizes the XML as it inflates
/// and decodes each cell by its type (`t`) and number format (`s`).
///
/// Cell types: shared strings (`s`), inline strings (`inlineStr`), formula strings (`str`),
/// numbers (`n` or none: integral values read as integers, others as doubles; with a date
/// format as dates, times of day or elapsed times), booleans (`b`), ISO 8601 dates (`d`) and
/// errors (`e`, read as null). A formula cell reads as its cached value (`<v>`); one without a
/// cached value is null. Rows must come in increasing order and cells left to right; a
/// reference out of order or beyond Excel's limits fails the read.
struct XLSXSheetParser {
    private(set) var tokenizer: XMLPullTokenizer<ZipEntryReader>
    let sharedStrings: XLSXSharedStrings
    let styles: XLSXStyles
    let date1904: Bool
    let range: XLSXRange
    /// Columns whose values are decoded (indexed by 1-based column); others are only checked.
    var wanted: [Bool]
    private var inSheetData = false
    private(set) var finished = false
    private var lastRow = 0
    private var scratch: [UInt8] = []
    private var cellText: [UInt8] = []

    private enum CellType { case number, shared, inline, formulaString, boolean, error, date }

    init(tokenizer: XMLPullTokenizer<ZipEntryReader>, sharedStrings: XLSXSharedStrings, styles: XLSXStyles, date1904: Bool, range: XLSXRange) {
        self.tokenizer = tokenizer
        self.sharedStrings = sharedStrings
        self.styles = styles
        self.date1904 = date1904
        self.range = range
        wanted = Array(repeating: true, count: XLSXLimits.maximumColumns + 2)
    }

    /// Compressed bytes of the part consumed so far.
    var consumedBytes: Int { tokenizer.source.consumed }

    /// Reads the next `<row>` into `row`; `false` after the last one.
    mutating func nextRow(into row: inout XLSXRow) throws -> Bool {
        guard !finished else { return false }
        while true {
            switch try tokenizer.next() {
            case .endOfDocument:
                finished = true
                return false
            case .start:
                if !inSheetData {
                    if tokenizer.nameIs("sheetData") {
                        inSheetData = true
                    } else if tokenizer.depth == 1, !tokenizer.nameIs("worksheet") {
                        throw tokenizer.error("the root element is not <worksheet>")
                    }
                } else if tokenizer.nameIs("row") {
                    try readRow(into: &row)
                    return true
                } else {
                    try tokenizer.skipElement()
                }
            case .end:
                if inSheetData, tokenizer.nameIs("sheetData") {
                    inSheetData = false
                    finished = true
                    return false
                }
            case .text:
                continue
            }
        }
    }

    /// Reads the rest of the part, so its size and checksum are checked.
    mutating func drain() throws {
        while try tokenizer.next() != .endOfDocument {}
    }

    // MARK: - Rows and cells

    private mutating func readRow(into row: inout XLSXRow) throws {
        var number = lastRow + 1
        if let r = tokenizer.attribute("r") {
            guard let parsed = XLSXCellReference.parse(tokenizer.bytes(r.value)), parsed.column == nil, let n = parsed.row else {
                throw tokenizer.error("a row number `\(String(decoding: tokenizer.bytes(r.value), as: UTF8.self))` that is not 1 … \(XLSXLimits.maximumRows)")
            }
            number = n
        }
        guard number > lastRow else { throw tokenizer.error("row \(number) comes after row \(lastRow)") }
        guard number <= XLSXLimits.maximumRows else { throw tokenizer.error("a row beyond row \(XLSXLimits.maximumRows)") }
        lastRow = number
        row.reset(number: number)
        var lastColumn = 0
        while true {
            switch try tokenizer.next() {
            case .start:
                if tokenizer.nameIs("c") {
                    lastColumn = try readCell(row: &row, after: lastColumn)
                } else {
                    try tokenizer.skipElement()
                }
            case .end:
                return
            case .text:
                continue
            case .endOfDocument:
                throw tokenizer.error("the part ends inside row \(number)")
            }
        }
    }

    /// Reads one `<c>` (its start tag is current); returns its column.
    private mutating func readCell(row: inout XLSXRow, after previous: Int) throws -> Int {
        var column = previous + 1
        var style = 0
        var type = CellType.number
        for attribute in tokenizer.attributes {
            let name = tokenizer.bytes(attribute.name)
            guard name.count == 1 else { continue }
            let value = tokenizer.bytes(attribute.value)
            switch name[0] {
            case UInt8(ascii: "r"):
                guard let parsed = XLSXCellReference.parse(value), let c = parsed.column, let r = parsed.row else {
                    throw tokenizer.error("a cell reference `\(String(decoding: value, as: UTF8.self))` that is not a cell of A1 … XFD\(XLSXLimits.maximumRows) in row \(row.number)")
                }
                guard r == row.number else {
                    throw tokenizer.error("cell \(XLSXCellReference.name(column: c, row: r)) inside row \(row.number)")
                }
                column = c
            case UInt8(ascii: "s"):
                var s = 0
                for b in value {
                    let d = b &- UInt8(ascii: "0")
                    guard d < 10, s < 100_000_000 else { throw tokenizer.error("a cell style `\(String(decoding: value, as: UTF8.self))` that is not a number") }
                    s = s * 10 + Int(d)
                }
                style = s
            case UInt8(ascii: "t"):
                type = try cellType(value)
            default:
                continue
            }
        }
        guard column > previous else {
            throw tokenizer.error("cell \(XLSXCellReference.name(column: column, row: row.number)) comes after column \(XLSXCellReference.letters(previous)) of its row")
        }
        guard column <= XLSXLimits.maximumColumns else {
            throw tokenizer.error("a cell beyond column XFD in row \(row.number)")
        }
        // The cell's content: the cached value, an inline string; formulas are skipped.
        scratch.removeAll(keepingCapacity: true)
        let inline = type == .inline
        var hasContent = false
        let cellDepth = tokenizer.depth
        var textDepth = -1
        var phoneticDepth = -1
        var inInline = false
        content: while true {
            switch try tokenizer.next() {
            case .start:
                if tokenizer.depth == cellDepth + 1 {
                    if !inline, tokenizer.nameIs("v") {
                        hasContent = true
                        textDepth = tokenizer.depth
                    } else if inline, tokenizer.nameIs("is") {
                        hasContent = true
                        inInline = true
                    } else {
                        try tokenizer.skipElement()
                    }
                } else if inInline {
                    if tokenizer.nameIs("rPh") {
                        if phoneticDepth < 0 { phoneticDepth = tokenizer.depth }
                    } else if phoneticDepth < 0, tokenizer.nameIs("t") {
                        textDepth = tokenizer.depth
                    }
                }
            case .text:
                if tokenizer.depth == textDepth { try tokenizer.decodeText(into: &scratch) }
            case .end:
                let depth = tokenizer.depth
                if depth < cellDepth { break content }
                if depth + 1 == textDepth {
                    textDepth = -1
                } else if depth + 1 == phoneticDepth {
                    phoneticDepth = -1
                } else if depth == cellDepth {
                    inInline = false
                }
            case .endOfDocument:
                throw tokenizer.error("the part ends inside a cell")
            }
        }
        guard range.contains(column: column) else { return column }
        let present = inline ? hasContent : (hasContent && !scratch.isEmpty && type != .error)
        if present { row.hasValue = true }
        guard present, wanted[column] else { return column }
        row.append(column: column, value: try decode(type: type, style: style, row: &row, column: column))
        return column
    }

    private func cellType(_ value: UnsafeRawBufferPointer) throws -> CellType {
        switch value.count {
        case 1:
            switch value[0] {
            case UInt8(ascii: "s"): return .shared
            case UInt8(ascii: "n"): return .number
            case UInt8(ascii: "b"): return .boolean
            case UInt8(ascii: "e"): return .error
            case UInt8(ascii: "d"): return .date
            default: break
            }
        case 3 where value.elementsEqual("str".utf8): return .formulaString
        case 9 where value.elementsEqual("inlineStr".utf8): return .inline
        default: break
        }
        throw tokenizer.error("an unknown cell type `\(String(decoding: value, as: UTF8.self))`")
    }

    // MARK: - Values

    private mutating func decode(type: CellType, style: Int, row: inout XLSXRow, column: Int) throws -> XLSXCellValue {
        switch type {
        case .number:
            return try number(style: style, row: &row, column: column)
        case .shared:
            let index = try scratch.withUnsafeBytes { raw -> Int in
                let digits = ByteNumber.trimmed(raw)
                var n = 0
                guard !digits.isEmpty else { throw cellError(row: row.number, column: column, "an empty shared string index") }
                for b in digits {
                    let d = b &- UInt8(ascii: "0")
                    guard d < 10, n < 1 << 40 else { throw cellError(row: row.number, column: column, "a shared string index that is not a number") }
                    n = n * 10 + Int(d)
                }
                return n
            }
            guard index < sharedStrings.count else {
                throw cellError(row: row.number, column: column, "shared string \(index), but the table has \(sharedStrings.count)")
            }
            return .shared(index)
        case .boolean:
            let value = scratch.withUnsafeBytes { ByteNumber.trimmed($0) }
            switch value.count == 1 ? value[0] : 0 {
            case UInt8(ascii: "1"): return .bool(true)
            case UInt8(ascii: "0"): return .bool(false)
            default:
                if value.elementsEqual("true".utf8) { return .bool(true) }
                if value.elementsEqual("false".utf8) { return .bool(false) }
                throw cellError(row: row.number, column: column, "a boolean `\(String(decoding: value, as: UTF8.self))` that is not 0 or 1")
            }
        case .error:
            return .null
        case .formulaString, .inline:
            return try text(row: &row, column: column)
        case .date:
            let parsed = scratch.withUnsafeBufferPointer { Timestamp.parse(UnsafeBufferPointer(rebasing: $0[...])) }
            if let parsed { return .timestamp(parsed) }
            return try text(row: &row, column: column)
        }
    }

    private func number(style: Int, row: inout XLSXRow, column: Int) throws -> XLSXCellValue {
        let parsed = scratch.withUnsafeBytes { ByteNumber.parse(ByteNumber.trimmed($0)) }
        guard let parsed else {
            throw cellError(row: row.number, column: column, "`\(String(decoding: scratch.prefix(40), as: UTF8.self))` is not a number")
        }
        let format = styles.format(style)
        if format != .number {
            let value: Double
            switch parsed {
            case .int(let i): value = Double(i)
            case .double(let d): value = d
            }
            switch format {
            case .date:
                switch XLSXSerialDate.read(value, date1904: date1904) {
                case .timestamp(let t): return .timestamp(t)
                case .timeOfDay(let text): return Self.append(text, to: &row)
                case .outOfRange: break
                }
            case .elapsed:
                if let text = XLSXSerialDate.elapsed(value) { return Self.append(text, to: &row) }
            case .number:
                break
            }
        }
        switch parsed {
        case .int(let i):
            return .int(i)
        case .double(let d):
            if d.rounded(.towardZero) == d, abs(d) < 9_007_199_254_740_992 { return .int(Int(d)) }
            return .double(d)
        }
    }

    /// `text` as a text cell of `row`.
    private static func append(_ text: String, to row: inout XLSXRow) -> XLSXCellValue {
        let start = row.arena.count
        row.arena.append(contentsOf: text.utf8)
        return .text(start..<row.arena.count)
    }

    /// The scratch text as a cell: `_xHHHH_` escapes undone, UTF-8 checked.
    private mutating func text(row: inout XLSXRow, column: Int) throws -> XLSXCellValue {
        let start = row.arena.count
        try scratch.withUnsafeBytes { raw in
            if let bad = UTF8Check.firstInvalid(raw) {
                throw cellError(row: row.number, column: column, "text that is not valid UTF-8 (byte \(bad))")
            }
            if XLSXTextEscapes.mayContainEscape(raw) {
                XLSXTextEscapes.unescape(raw, into: &row.arena)
            } else {
                row.arena.append(contentsOf: raw)
            }
        }
        return .text(start..<row.arena.count)
    }

    private func cellError(row: Int, column: Int, _ what: String) -> FormatError {
        tokenizer.error("cell \(XLSXCellReference.name(column: column, row: row)): \(what)")
    }
}
