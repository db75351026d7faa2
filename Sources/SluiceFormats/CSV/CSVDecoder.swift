import SluiceCore

/// Reads CSV (RFC 4180) into batches: quoted cells with `""` escapes, delimiters and line
/// breaks inside quotes, LF or CRLF line ends, a header row, and a UTF-8 byte order mark.
///
/// Cells are located in place, 64 bytes at a time (see ``CSVStructuralIndex``; unusual
/// records one by one with ``CSVRecordScanner``); the positions of a batch's kept cells are
/// collected and each column is then typed and built at once (see ``CSVColumnAssembly``).
/// Only a record cut by a chunk boundary is copied, once (see ``ChunkedRecordDriver``).
/// Blank lines are skipped. A row whose field count differs from
/// the header's, or an unterminated quote at the end, becomes a rejection and reading goes
/// on. Duplicate header names get `_2`, `_3`, … and an empty one is named by its column
/// (`column3`) so every field can be addressed. With a projection, only the named columns
/// are typed and built; the others are still scanned, so field counts and rejected rows are
/// exactly as without it.
///
/// A cell whose text is not valid UTF-8 sends its row to the rejections, naming the field
/// and the offset of the bad byte in the cell's text, or with ``InvalidUTF8Handling/replace``
/// has each bad sequence replaced by U+FFFD. Each buffer is validated once, ASCII 32 bytes
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
    /// CSV's record logic: a record ends at a line feed outside quotes (``CSVBoundary``).
    ///
    /// Records are split into cells with a ``CSVStructuralIndex``; the positions of the kept
    /// cells of up to ``flushRows`` rows are collected, then each column is built from them
    /// at once (``CSVColumnAssembly``). Records that are anything but a well-formed row of
    /// the header's width with valid UTF-8 (the header itself, blank lines, wrong field
    /// counts, bad text, unterminated quotes) go through ``CSVRecordScanner`` one by one.
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
        /// For each field of the row, its place among the kept columns, or -1.
        private var keptSlot: [Int] = []
        private var positions: [Int] = []
        /// The kept cells of the pending rows, column after column (`flushRows` per column).
        private var pending: [CSVPendingCell] = []
        private var pendingRows = 0
        /// Unescaped or repaired cell text of the pending rows.
        private var scratch: [UInt8] = []
        /// Columns of this batch's rows built so far, one list per flush.
        private var chunks: [[Column]] = []
        /// Whether the record loop may use the structural index (a delimiter that is not a
        /// quote, CR or LF).
        private let fastScan: Bool
        /// Rows of pending cells per column: the batch size, bounded so that the cells of a
        /// wide file stay within about 16 MB.
        private var flushRows = 1

        /// A parser reading CSV as `options` say.
        init(options: DecodeOptions) {
            self.options = options
            scanner = CSVRecordScanner(delimiter: options.delimiter)
            boundary = CSVBoundary(delimiter: options.delimiter)
            line = options.firstLine
            let d = options.delimiter
            fastScan = d != UInt8(ascii: "\"") && d != 0x0A && d != 0x0D
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
            // The first ill-formed UTF-8 byte at or after the record being read; records
            // ending before it are clean.
            var invalidAt = CSVText.firstNonASCII(p).flatMap { UTF8Validation.firstInvalid(p, from: $0) } ?? Int.max
            var i = 0
            while fields == nil || !fastScan {
                guard let end = slowRecord(p, from: i, at: offset, final: final, invalidAt: &invalidAt, into: &output) else {
                    flush(p)
                    return i
                }
                i = end
            }
            var cells: [CSVPendingCell] = []
            swap(&cells, &pending)
            let consumed = cells.withUnsafeMutableBufferPointer { cells in
                keptSlot.withUnsafeBufferPointer { slots in
                    fastRecords(p, from: i, at: offset, final: final, invalidAt: &invalidAt, cells: cells, slots: slots, into: &output)
                }
            }
            swap(&cells, &pending)
            flush(p)
            return consumed
        }

        /// Reads records from `start` with the structural index until the buffer is used up;
        /// returns the end of the last complete record.
        private mutating func fastRecords(
            _ p: UnsafeRawBufferPointer, from start: Int, at offset: Int, final: Bool, invalidAt: inout Int,
            cells: UnsafeMutableBufferPointer<CSVPendingCell>, slots: UnsafeBufferPointer<Int>, into output: inout ChunkOutput
        ) -> Int {
            guard let base = p.baseAddress, let cellBase = cells.baseAddress, !kept.isEmpty else {
                return slowRecords(p, from: start, at: offset, final: final, invalidAt: &invalidAt, into: &output, cells: cells.baseAddress)
            }
            let n = p.count
            let delimiter = options.delimiter
            let quote = UInt8(ascii: "\"")
            let fieldCount = slots.count
            let stride = flushRows
            var index = CSVStructuralIndex(base: base, count: n, delimiter: delimiter)
            var i = start
            while i < n {
                let recordStart = i
                let row = pendingRows
                let scratchMark = scratch.count
                var field = 0
                var lineFeeds = 0
                var recordEnd = 0
                var simple = true
                cellsLoop: while true {
                    if i < n, base.load(fromByteOffset: i, as: UInt8.self) == quote {
                        // A quoted cell, read byte by byte as CSVRecordScanner reads it.
                        let open = i
                        i += 1
                        var escaped = false
                        while true {
                            while i < n, base.load(fromByteOffset: i, as: UInt8.self) != quote {
                                if base.load(fromByteOffset: i, as: UInt8.self) == 0x0A { lineFeeds += 1 }
                                i += 1
                            }
                            if i + 1 >= n {
                                // The closing quote is missing or may be followed by more input.
                                if !final {
                                    scratch.removeSubrange(scratchMark...)
                                    return recordStart
                                }
                                simple = false
                                break cellsLoop
                            }
                            if base.load(fromByteOffset: i + 1, as: UInt8.self) == quote {
                                escaped = true
                                i += 2
                                continue
                            }
                            break
                        }
                        let contentEnd = i
                        i += 1
                        let next = base.load(fromByteOffset: i, as: UInt8.self)
                        var ended = false
                        if next == delimiter {
                        } else if next == 0x0A {
                            ended = true
                        } else if next == 0x0D, i + 1 < n, base.load(fromByteOffset: i + 1, as: UInt8.self) == 0x0A {
                            ended = true
                            i += 1
                        } else {
                            // Text after the closing quote, a CR at the end of input, and
                            // the like: the scanner's rules.
                            simple = false
                            break cellsLoop
                        }
                        if field < fieldCount {
                            let slot = slots[field]
                            if slot >= 0 {
                                if escaped {
                                    let from = scratch.count
                                    CSVRecordScanner.unescape(p, CSVCell(start: open, end: contentEnd + 1, kind: .escaped), into: &scratch)
                                    cellBase[slot &* stride &+ row] = CSVPendingCell(start: from, end: scratch.count, quoted: true, inScratch: true)
                                } else {
                                    cellBase[slot &* stride &+ row] = CSVPendingCell(start: open + 1, end: contentEnd, quoted: true)
                                }
                            }
                        }
                        field += 1
                        i += 1
                        if ended {
                            recordEnd = i
                            lineFeeds += 1
                            break cellsLoop
                        }
                        continue cellsLoop
                    }
                    var e = index.next(from: i)
                    while e < n {
                        let b = base.load(fromByteOffset: e, as: UInt8.self)
                        if b == delimiter || b == 0x0A { break }
                        e = index.next(from: e + 1)
                    }
                    if e < n, base.load(fromByteOffset: e, as: UInt8.self) == delimiter {
                        if field < fieldCount {
                            let slot = slots[field]
                            if slot >= 0 { cellBase[slot &* stride &+ row] = CSVPendingCell(start: i, end: e, quoted: false) }
                        }
                        field += 1
                        i = e + 1
                        continue cellsLoop
                    }
                    if e == n {
                        if !final { return recordStart }
                        recordEnd = n
                    } else {
                        recordEnd = e + 1
                        lineFeeds += 1
                    }
                    var cellEnd = e
                    if cellEnd > i, base.load(fromByteOffset: cellEnd - 1, as: UInt8.self) == 0x0D { cellEnd -= 1 }
                    if field == 0, cellEnd == i {
                        // A blank line (or a lone empty cell): the scanner's rules.
                        simple = false
                        break cellsLoop
                    }
                    if field < fieldCount {
                        let slot = slots[field]
                        if slot >= 0 { cellBase[slot &* stride &+ row] = CSVPendingCell(start: i, end: cellEnd, quoted: false) }
                    }
                    field += 1
                    break cellsLoop
                }
                if !simple || field != fieldCount || invalidAt < recordEnd {
                    scratch.removeSubrange(scratchMark...)
                    guard let end = slowRecord(p, from: recordStart, at: offset, final: final, invalidAt: &invalidAt, into: &output, cells: cellBase) else {
                        return recordStart
                    }
                    i = end
                    continue
                }
                positions.append(line)
                pendingRows += 1
                rowAdded(p, end: recordEnd, at: offset, into: &output, cells: cellBase)
                line += lineFeeds
                i = recordEnd
            }
            return i
        }

        /// Reads records one by one with ``CSVRecordScanner`` to the end of the buffer.
        private mutating func slowRecords(
            _ p: UnsafeRawBufferPointer, from start: Int, at offset: Int, final: Bool, invalidAt: inout Int, into output: inout ChunkOutput,
            cells: UnsafeMutablePointer<CSVPendingCell>?
        ) -> Int {
            var i = start
            while let end = slowRecord(p, from: i, at: offset, final: final, invalidAt: &invalidAt, into: &output, cells: cells) { i = end }
            return i
        }

        /// Reads the record at `start` with ``CSVRecordScanner``; returns its end, or `nil`
        /// when the buffer holds no complete record there.
        private mutating func slowRecord(
            _ p: UnsafeRawBufferPointer, from i: Int, at offset: Int, final: Bool, invalidAt: inout Int, into output: inout ChunkOutput,
            cells: UnsafeMutablePointer<CSVPendingCell>? = nil
        ) -> Int? {
            switch scanner.scanRecord(p, from: i, final: final) {
            case .incomplete, .endOfInput:
                return nil
            case .record(let end, let lineFeeds):
                let checkText = invalidAt < end
                let added = handleRecord(p, from: i, end: end, checkText: checkText, into: &output, cells: cells)
                if checkText { invalidAt = UTF8Validation.firstInvalid(p, from: end) ?? Int.max }
                if added { rowAdded(p, end: end, at: offset, into: &output, cells: cells) }
                line += lineFeeds
                return end
            case .unterminated(let end, let lineFeeds):
                let raw = String(decoding: UnsafeRawBufferPointer(rebasing: p[i..<end]), as: UTF8.self)
                output.reject(
                    Rejection(
                        record: .string(raw), reasons: ["line \(line): unterminated quoted field (the closing '\"' is missing)"],
                        position: line, stage: "source"))
                line += lineFeeds
                return end
            }
        }

        /// After a row was added: builds the pending columns when they are full, and emits
        /// the batch when it is.
        @inline(__always)
        private mutating func rowAdded(
            _ p: UnsafeRawBufferPointer, end: Int, at offset: Int, into output: inout ChunkOutput, cells: UnsafeMutablePointer<CSVPendingCell>?
        ) {
            if positions.count >= options.batchSize {
                flush(p, cells: cells)
                output.emit(takeBatch(), upTo: offset + end)
            } else if pendingRows == flushRows {
                flush(p, cells: cells)
            }
        }

        /// Reads the record `p[start..<end]` whose cells the scanner just found. `checkText`:
        /// its bytes hold ill-formed UTF-8 somewhere, so each cell's text is checked. Returns
        /// whether a row was added.
        private mutating func handleRecord(
            _ p: UnsafeRawBufferPointer, from start: Int, end: Int, checkText: Bool, into output: inout ChunkOutput,
            cells pendingCells: UnsafeMutablePointer<CSVPendingCell>?
        ) -> Bool {
            let cells = scanner.cells
            if cells.count == 1, cells[0].kind == .plain, cells[0].start == cells[0].end { return false }
            guard let fields else {
                if options.hasHeader {
                    setFields(cells.map { text(p, $0) })
                    return false
                }
                setFields((1...cells.count).map { "column\($0)" })
                return handleRecord(p, from: start, end: end, checkText: checkText, into: &output, cells: pendingCells)
            }
            guard cells.count == fields.count else {
                var record = ValueObject()
                for (name, cell) in zip(fields, cells) { record.appendUnchecked(key: name, value: .string(text(p, cell))) }
                output.reject(
                    Rejection(
                        record: .object(record), reasons: ["line \(line): expected \(fields.count) fields, found \(cells.count)"],
                        position: line, stage: "source"))
                return false
            }
            var repair = false
            if checkText {
                switch options.invalidUTF8 {
                case .reject:
                    let reasons = invalidTextReasons(p, cells, fields: fields)
                    guard reasons.isEmpty else {
                        var record = ValueObject()
                        for (name, cell) in zip(fields, cells) { record.appendUnchecked(key: name, value: .string(text(p, cell))) }
                        output.reject(Rejection(record: .object(record), reasons: reasons, position: line, stage: "source"))
                        return false
                    }
                case .replace:
                    repair = true
                }
            }
            let row = pendingRows
            for b in 0..<kept.count {
                let cell = cells[kept[b]]
                let pendingCell: CSVPendingCell
                if repair {
                    let raw = cellBytes(p, cell)
                    let bytes = raw.withUnsafeBytes { UTF8Validation.firstInvalid($0) == nil ? raw : UTF8Validation.repaired($0) }
                    let from = scratch.count
                    scratch.append(contentsOf: bytes)
                    pendingCell = CSVPendingCell(start: from, end: scratch.count, quoted: cell.kind != .plain, inScratch: true)
                } else {
                    switch cell.kind {
                    case .plain: pendingCell = CSVPendingCell(start: cell.start, end: cell.end, quoted: false)
                    case .quoted: pendingCell = CSVPendingCell(start: cell.start, end: cell.end, quoted: true)
                    case .escaped:
                        let from = scratch.count
                        CSVRecordScanner.unescape(p, cell, into: &scratch)
                        pendingCell = CSVPendingCell(start: from, end: scratch.count, quoted: true, inScratch: true)
                    }
                }
                if let pendingCells {
                    pendingCells[b * flushRows + row] = pendingCell
                } else {
                    pending[b * flushRows + row] = pendingCell
                }
            }
            positions.append(line)
            pendingRows += 1
            return true
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
            flushRows = max(1, min(options.batchSize, 8192, (1 << 20) / max(1, kept.count)))
            keptSlot = Array(repeating: -1, count: unique.count)
            for (b, field) in kept.enumerated() { keptSlot[field] = b }
            pending = Array(repeating: CSVPendingCell(start: 0, end: 0, quoted: false), count: kept.count * flushRows)
            pendingRows = 0
            chunks = []
            positions = []
            positions.reserveCapacity(options.batchSize)
        }

        /// Builds the columns of the pending rows (whose cells point into `p` and the
        /// scratch bytes) and adds them to the batch.
        private mutating func flush(_ p: UnsafeRawBufferPointer, cells: UnsafeMutablePointer<CSVPendingCell>? = nil) {
            guard pendingRows > 0 else { return }
            let rows = pendingRows
            let columns = scratch.withUnsafeBytes { scratch in
                let sources = CSVColumnAssembly.Sources(
                    buffer: p.baseAddress, bufferCount: p.count, scratch: scratch.baseAddress, scratchCount: scratch.count)
                if let cells {
                    return typings.indices.map { CSVColumnAssembly.column(cells + $0 * flushRows, rows: rows, typing: typings[$0], sources: sources) }
                }
                return pending.withUnsafeBufferPointer { pending in
                    typings.indices.map {
                        CSVColumnAssembly.column(pending.baseAddress! + $0 * flushRows, rows: rows, typing: typings[$0], sources: sources)
                    }
                }
            }
            chunks.append(columns)
            pendingRows = 0
            scratch.removeAll(keepingCapacity: true)
        }

        /// The rows built so far as a batch (the pending rows must have been built).
        private mutating func takeBatch() -> RecordBatch {
            assert(pendingRows == 0, "rows pending")
            let names = fields.map { all in kept.map { all[$0] } } ?? []
            let columns: [Column]
            switch chunks.count {
            case 0: columns = kept.map { _ in ColumnBuilder().build() }
            case 1: columns = chunks[0]
            default: columns = kept.indices.map { b in CSVColumnAssembly.concatenate(chunks.map { $0[b] }) }
            }
            let batch = RecordBatch(fields: names, columns: columns, positions: positions)
            chunks = []
            positions = []
            positions.reserveCapacity(options.batchSize)
            return batch
        }
    }
}
