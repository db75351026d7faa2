import SluiceCore

/// Reads CSV (RFC 4180) into batches: quoted cells with `""` escapes, delimiters and line
/// breaks inside quotes, LF or CRLF line ends, a header row, and a UTF-8 byte order mark.
///
/// Cells are located in place (see ``CSVRecordScanner``) and written straight into column
/// builders; only a record cut by a chunk boundary is copied, once (see
/// ``ChunkedRecordDriver``). Blank lines are skipped. A row whose field count differs from
/// the header's, or an unterminated quote at the end, becomes a rejection and reading goes
/// on. Duplicate header names get `_2`, `_3`, … and an empty one is named by its column
/// (`column3`) so every field can be addressed. With a projection, only the named columns
/// are typed and built; the others are still scanned, so field counts and rejected rows are
/// exactly as without it.
///
/// A cell whose text is not valid UTF-8 sends its row to the rejections, naming the field
/// and the offset of the bad byte in the cell's text, or with ``InvalidUTF8Handling/replace``
/// has each bad sequence replaced by U+FFFD. Each buffer is validated once, ASCII eight bytes
/// at a time; only a row holding the first bad byte found is looked at cell by cell.
struct CSVDecoder: RecordStreamDecoder {
    private var driver: ChunkedRecordDriver<RecordParser>

    init(options: DecodeOptions) {
        driver = ChunkedRecordDriver(parser: RecordParser(options: options))
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [SourceChunk] {
        driver.feed(bytes)
    }

    mutating func finish() throws -> [SourceChunk] {
        driver.finish()
    }
}

extension CSVDecoder {
    /// CSV's record logic: a record ends at a line feed outside quotes (``CSVBoundary``), and
    /// the records of a buffer are split into cells by ``CSVRecordScanner`` and typed into
    /// column builders.
    struct RecordParser: ChunkedRecordParser {
        private let options: DecodeOptions
        private var scanner: CSVRecordScanner
        /// The line on which the next record starts.
        private var line = 1
        private var boundary: CSVBoundary
        private var fields: [String]?
        private var typings: [CSVCellTyping] = []
        /// The columns built, by index in the row (all of them unless projected).
        private var kept: [Int] = []
        private var builders: [ColumnBuilder] = []
        private var positions: [Int] = []
        private var scratch: [UInt8] = []

        /// A parser reading CSV as `options` say.
        init(options: DecodeOptions) {
            self.options = options
            scanner = CSVRecordScanner(delimiter: options.delimiter)
            boundary = CSVBoundary(delimiter: options.delimiter)
            line = options.firstLine
            if let names = options.columnNames { setFields(names) }
        }

        mutating func carriedRecordEnd(in p: UnsafeRawBufferPointer) -> Int? {
            boundary.findEnd(p)
        }

        mutating func carryBegan(with carried: UnsafeRawBufferPointer) {
            boundary.state = .fieldStart
            let end = boundary.findEnd(carried)
            assert(end == nil, "a carried record is incomplete")
        }

        mutating func finalBatch() -> RecordBatch {
            fields == nil ? RecordBatch.empty : takeBatch()
        }

        mutating func parseRecords(_ p: UnsafeRawBufferPointer, at offset: Int, final: Bool, into output: inout ChunkOutput) -> Int {
            var i = 0
            // The first ill-formed UTF-8 byte at or after `i`; records ending before it are clean.
            var invalidAt = UTF8Validation.firstInvalid(p) ?? Int.max
            while true {
                switch scanner.scanRecord(p, from: i, final: final) {
                case .incomplete, .endOfInput:
                    return i
                case .record(let end, let lineFeeds):
                    let checkText = invalidAt < end
                    handleRecord(p, from: i, end: end, checkText: checkText, into: &output)
                    if checkText { invalidAt = UTF8Validation.firstInvalid(p, from: end) ?? Int.max }
                    if positions.count >= options.batchSize {
                        output.emit(takeBatch(), upTo: offset + end)
                    }
                    line += lineFeeds
                    i = end
                case .unterminated(let end, let lineFeeds):
                    let raw = String(decoding: UnsafeRawBufferPointer(rebasing: p[i..<end]), as: UTF8.self)
                    output.reject(
                        Rejection(
                            record: .string(raw), reasons: ["line \(line): unterminated quoted field (the closing '\"' is missing)"],
                            position: line, stage: "source"))
                    line += lineFeeds
                    i = end
                }
            }
        }

        /// Reads the record `p[start..<end]` whose cells were just scanned. `checkText`: its
        /// bytes hold ill-formed UTF-8 somewhere, so each cell's text is checked.
        private mutating func handleRecord(
            _ p: UnsafeRawBufferPointer, from start: Int, end: Int, checkText: Bool, into output: inout ChunkOutput
        ) {
            let cells = scanner.cells
            if cells.count == 1, cells[0].kind == .plain, cells[0].start == cells[0].end { return }
            guard let fields else {
                if options.hasHeader {
                    setFields(cells.map { text(p, $0) })
                    return
                }
                setFields((1...cells.count).map { "column\($0)" })
                handleRecord(p, from: start, end: end, checkText: checkText, into: &output)
                return
            }
            guard cells.count == fields.count else {
                var record = ValueObject()
                for (name, cell) in zip(fields, cells) { record.appendUnchecked(key: name, value: .string(text(p, cell))) }
                output.reject(
                    Rejection(
                        record: .object(record), reasons: ["line \(line): expected \(fields.count) fields, found \(cells.count)"],
                        position: line, stage: "source"))
                return
            }
            if checkText {
                switch options.invalidUTF8 {
                case .reject:
                    let reasons = invalidTextReasons(p, cells, fields: fields)
                    guard reasons.isEmpty else {
                        var record = ValueObject()
                        for (name, cell) in zip(fields, cells) { record.appendUnchecked(key: name, value: .string(text(p, cell))) }
                        output.reject(Rejection(record: .object(record), reasons: reasons, position: line, stage: "source"))
                        return
                    }
                case .replace:
                    appendRepaired(p, cells)
                    return
                }
            }
            for b in 0..<kept.count {
                let cell = cells[kept[b]]
                switch cell.kind {
                case .plain:
                    typings[b].append(UnsafeRawBufferPointer(rebasing: p[cell.start..<cell.end]), quoted: false, to: &builders[b])
                case .quoted:
                    typings[b].append(UnsafeRawBufferPointer(rebasing: p[cell.start..<cell.end]), quoted: true, to: &builders[b])
                case .escaped:
                    scratch.removeAll(keepingCapacity: true)
                    CSVRecordScanner.unescape(p, cell, into: &scratch)
                    scratch.withUnsafeBytes { typings[b].append($0, quoted: true, to: &builders[b]) }
                }
            }
            positions.append(line)
        }

        /// One reason per cell whose text is not valid UTF-8 (a cell's raw bytes may be
        /// ill-formed around a quote that unescaping removes, so the text itself is checked).
        private func invalidTextReasons(_ p: UnsafeRawBufferPointer, _ cells: [CSVCell], fields: [String]) -> [String] {
            var reasons: [String] = []
            for (index, cell) in cells.enumerated() {
                if let offset = cellBytes(p, cell).withUnsafeBytes({ UTF8Validation.firstInvalid($0) }) {
                    reasons.append("line \(line): " + UTF8Validation.reason(field: fields[index], offset: offset))
                }
            }
            return reasons
        }

        /// Appends the row of `cells` with each ill-formed UTF-8 sequence replaced by U+FFFD.
        private mutating func appendRepaired(_ p: UnsafeRawBufferPointer, _ cells: [CSVCell]) {
            for b in 0..<kept.count {
                let cell = cells[kept[b]]
                let raw = cellBytes(p, cell)
                let bytes = raw.withUnsafeBytes { UTF8Validation.firstInvalid($0) == nil ? raw : UTF8Validation.repaired($0) }
                bytes.withUnsafeBytes { typings[b].append($0, quoted: cell.kind != .plain, to: &builders[b]) }
            }
            positions.append(line)
        }

        /// The text of `cell`, unescaped, as a copy (rows with bad UTF-8 only).
        private func cellBytes(_ p: UnsafeRawBufferPointer, _ cell: CSVCell) -> [UInt8] {
            switch cell.kind {
            case .plain, .quoted:
                return Array(UnsafeRawBufferPointer(rebasing: p[cell.start..<cell.end]))
            case .escaped:
                var out: [UInt8] = []
                CSVRecordScanner.unescape(p, cell, into: &out)
                return out
            }
        }

        /// The text of `cell` as a `String` (header names and rejected rows only).
        private func text(_ p: UnsafeRawBufferPointer, _ cell: CSVCell) -> String {
            switch cell.kind {
            case .plain, .quoted:
                return String(decoding: UnsafeRawBufferPointer(rebasing: p[cell.start..<cell.end]), as: UTF8.self)
            case .escaped:
                var out: [UInt8] = []
                CSVRecordScanner.unescape(p, cell, into: &out)
                return String(decoding: out, as: UTF8.self)
            }
        }

        private mutating func setFields(_ names: [String]) {
            var seen = Set<String>()
            var unique: [String] = []
            for (i, raw) in names.enumerated() {
                var name = raw.isEmpty ? "column\(i + 1)" : raw
                var n = 2
                while seen.contains(name) {
                    name = "\(raw.isEmpty ? "column\(i + 1)" : raw)_\(n)"
                    n += 1
                }
                seen.insert(name)
                unique.append(name)
            }
            fields = unique
            kept = unique.indices.filter { options.projection?.contains(unique[$0]) ?? true }
            typings = kept.map { CSVCellTyping(options.fieldTypes[unique[$0]]) }
            resetBuilders()
        }

        private mutating func resetBuilders() {
            builders = Array(repeating: ColumnBuilder(capacity: options.batchSize), count: kept.count)
            positions = []
            positions.reserveCapacity(options.batchSize)
        }

        private mutating func takeBatch() -> RecordBatch {
            let names = fields.map { all in kept.map { all[$0] } } ?? []
            let batch = RecordBatch(fields: names, columns: builders.map { $0.build() }, positions: positions)
            resetBuilders()
            return batch
        }
    }
}
