import SluiceCore
import SluiceFormats

/// Reads a Parquet file a row group at a time into batches of typed columns.
///
/// The footer is read when the reader is made (``declaredSchema`` is known then). Only the
/// column chunks of the projected top-level fields are read; a row group whose statistics
/// prove that no row can meet the job's conditions is skipped whole (``rowGroupsSkipped``).
/// Flat fields (one non-repeated leaf) decode straight into typed storage; nested fields are
/// assembled into arrays and objects. Values that cannot be converted (invalid UTF-8, a date
/// out of range) refuse their record; any damage to the file is a `FormatError` naming the
/// file, the row group (1-based), the column and the page's byte offset.
public final class ParquetFileReader: RecordFileReader {
    /// Every top-level field of the file with its type (all of them, whatever the projection).
    public let declaredSchema: [FieldSchema]?
    /// The row groups skipped so far because their statistics ruled out every row.
    public private(set) var rowGroupsSkipped = 0
    /// The number of row groups in the file (all of them, whatever range this reader reads).
    public let rowGroupCount: Int

    private let input: any RandomAccessInput
    private let options: DecodeOptions
    private let footer: ParquetFooter
    private let columns: [ParquetColumnDescriptor]
    private let layouts: [ParquetFieldLayout]
    /// The layouts read, in file order.
    private let projected: [Int]
    private let plans: [RowGroupPlan]
    private var nextPlan = 0
    private var current: RowGroupState?
    /// The bytes this reader's chunks add up to: its row groups' shares, and the rest of the
    /// file (magic, footer) when it reads the last row group.
    private let totalBytes: Int
    private var bytesEmitted = 0
    private var carriedBytes = 0
    private var done = false

    /// What the reader will do with one row group, decided from the footer.
    private struct RowGroupPlan {
        let index: Int
        /// The 0-based file row of its first row.
        let firstRow: Int
        let rows: Int
        /// Its share of the file's bytes: its column chunks' bytes (all columns, read or not),
        /// within what earlier groups left of the file.
        let bytes: Int
        let skip: Bool
        var isLastRead = false
    }

    /// Opens `input`, reading its footer; throws `FormatError` when it is not a readable
    /// Parquet file.
    ///
    /// `rowGroups` (0-based indices) limits the read to those row groups, so a file can be
    /// read by several readers at once, each given a part of `0 ..< rowGroupCount`: row
    /// positions stay those of the whole file, and the bytes of readers given a partition of
    /// the row groups add up to the file's size (the reader of the last group takes the footer).
    public convenience init(input: any RandomAccessInput, options: DecodeOptions, rowGroups: Range<Int>? = nil) throws {
        try self.init(file: ParquetFile(input: input), options: options, rowGroups: rowGroups)
    }

    /// A reader of `file` whose footer was read already (see ``ParquetFile/reader(options:rowGroups:)``).
    init(file: ParquetFile, options: DecodeOptions, rowGroups: Range<Int>?) throws {
        let input = file.input
        self.input = input
        self.options = options
        footer = file.footer
        let metadata = footer.metadata
        let (root, columns) = try ParquetSchemaNode.tree(metadata.schema, file: input.name)
        self.columns = columns
        let layouts = try ParquetFieldLayout.fields(of: root, columns: columns, file: input.name)
        self.layouts = layouts
        declaredSchema = layouts.map(\.schema)
        projected = layouts.indices.filter { options.projection?.contains(layouts[$0].schema.name) ?? true }
        let filter = ParquetRowGroupFilter(
            layouts: layouts, columns: columns,
            typeDefinedOrder: metadata.columnOrdersAreTypeDefined ?? [], file: input.name)
        var plans: [RowGroupPlan] = []
        var firstRow = 0
        let shares = file.rowGroupShares
        let count = metadata.rowGroups.count
        rowGroupCount = count
        let range = (rowGroups ?? 0..<count).clamped(to: 0..<count)
        for (index, rowGroup) in metadata.rowGroups.enumerated() {
            guard rowGroup.numRows >= 0, let rows = Int(exactly: rowGroup.numRows) else {
                throw FormatError("\(input.name): row group \(index + 1) declares \(rowGroup.numRows) rows")
            }
            for (column, chunk) in rowGroup.columns.enumerated() {
                // Every row has at least one entry in every column: a row count above a
                // column's value count is damage (and would read rows that are not there).
                if let values = chunk.metaData?.numValues, values < rowGroup.numRows {
                    throw FormatError(
                        "\(input.name): row group \(index + 1) declares \(rowGroup.numRows) rows, but column \(column + 1) holds only \(values) values")
                }
            }
            let share = shares[index]
            if range.contains(index) {
                let skip = rows > 0 && !options.conditions.isEmpty && filter.rulesOut(rowGroup, conditions: options.conditions)
                plans.append(RowGroupPlan(index: index, firstRow: firstRow, rows: rows, bytes: share, skip: skip))
            }
            let (next, overflow) = firstRow.addingReportingOverflow(rows)
            guard !overflow else { throw FormatError("\(input.name): the row groups' row counts overflow") }
            firstRow = next
        }
        guard firstRow == metadata.numRows else {
            throw FormatError("\(input.name): the footer declares \(metadata.numRows) rows, but its row groups hold \(firstRow)")
        }
        if let last = plans.lastIndex(where: { !$0.skip && $0.rows > 0 }) { plans[last].isLastRead = true }
        self.plans = plans
        totalBytes = file.byteCount(of: rowGroups == nil ? 0..<count : range)
    }

    /// The byte ranges of the column chunks this reader will read: the projected fields' chunks
    /// of the row groups it does not skip. A chunk whose metadata is damaged is left out (the
    /// read then fails on it with the reason, before reading any bytes).
    public var columnChunkRanges: [Range<Int>] {
        var ranges: [Range<Int>] = []
        for plan in plans where !plan.skip && plan.rows > 0 {
            let rowGroup = footer.metadata.rowGroups[plan.index]
            for layoutIndex in projected {
                for column in layouts[layoutIndex].columns where column < rowGroup.columns.count {
                    guard let meta = rowGroup.columns[column].metaData else { continue }
                    var start = meta.dataPageOffset
                    if let dictionary = meta.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
                    guard start >= 4, meta.totalCompressedSize >= 0, let begin = Int(exactly: start),
                        let count = Int(exactly: meta.totalCompressedSize), count <= footer.offset - begin
                    else { continue }
                    ranges.append(begin..<(begin + count))
                }
            }
        }
        return ranges
    }

    /// The field names of the batches.
    private var fieldNames: [String] { projected.map { layouts[$0].schema.name } }

    /// The next batch of at most `batchSize` rows (never spanning row groups), or `nil` at
    /// the end. The first batch of a row group carries its column chunks' bytes (and those of
    /// skipped groups before it); the last batch of the file carries the rest, so the bytes
    /// add up to the file's size.
    public func next() throws -> SourceChunk? {
        guard !done else { return nil }
        while current == nil {
            guard nextPlan < plans.count else {
                // Nothing (more) to read: the remaining bytes go out with an empty batch.
                done = true
                let columns = projected.map { _ in Column(storage: .values([])) }
                return SourceChunk(batch: RecordBatch(fields: fieldNames, columns: columns, positions: []), bytes: takeBytes(all: true))
            }
            let plan = plans[nextPlan]
            nextPlan += 1
            if plan.skip || plan.rows == 0 {
                if plan.skip { rowGroupsSkipped += 1 }
                carriedBytes += plan.bytes
                continue
            }
            current = try open(plan)
        }
        guard let state = current else { return nil }
        let count = min(options.batchSize, state.plan.rows - state.rowsRead)
        var (batch, reasons) = try state.read(count)
        var bytes = 0
        if state.rowsRead == count {
            bytes = takeBytes(carriedBytes + state.plan.bytes)
            carriedBytes = 0
        }
        if state.rowsRead == state.plan.rows {
            try state.checkExhausted()
            current = nil
            if state.plan.isLastRead {
                // The footer, the magic and any row groups after this one (all skipped).
                bytes += takeBytes(all: true)
                rowGroupsSkipped += plans[nextPlan...].filter(\.skip).count
                done = true
            }
        }
        var rejected: [Rejection] = []
        if !reasons.isEmpty {
            var keep: [Int] = []
            keep.reserveCapacity(batch.count)
            for row in 0..<batch.count {
                guard let why = reasons[row] else {
                    keep.append(row)
                    continue
                }
                let position = batch.positions[row]
                rejected.append(
                    Rejection(
                        record: .object(batch.record(at: row)), reasons: why.map { "record \(position): \($0)" }, position: position,
                        stage: "source"))
            }
            batch = batch.selecting(keep)
        }
        return SourceChunk(batch: batch, rejected: rejected, bytes: bytes)
    }

    /// Attributes `count` more bytes (or all this reader has left), never past its total.
    private func takeBytes(_ count: Int = 0, all: Bool = false) -> Int {
        let remaining = totalBytes - bytesEmitted
        let taken = all ? remaining : min(count, remaining)
        bytesEmitted += taken
        return taken
    }

    // MARK: - Row groups

    /// Reads the needed column chunks of a row group and prepares their readers.
    private func open(_ plan: RowGroupPlan) throws -> RowGroupState {
        let rowGroup = footer.metadata.rowGroups[plan.index]
        let location = "\(input.name): row group \(plan.index + 1)"
        guard rowGroup.columns.count == columns.count else {
            throw FormatError("\(location) has \(rowGroup.columns.count) column chunks, but the schema has \(columns.count) columns")
        }
        let state = RowGroupState(plan: plan, fields: fieldNames, keepsDictionaryText: options.keepsDictionaryText)
        for layoutIndex in projected {
            let layout = layouts[layoutIndex]
            var readers: [Int: ParquetColumnChunkReader] = [:]
            for column in layout.columns {
                readers[column] = try chunkReader(rowGroup.columns[column], column: column, location: location)
            }
            if let column = layout.flatColumn, let reader = readers[column] {
                state.parts.append(.flat(reader))
            } else {
                let cursors = readers.mapValues { ParquetLeafCursor(reader: $0) }
                state.parts.append(
                    .nested(ParquetRecordAssembler(node: layout.node, field: layout.schema.name, cursors: cursors, location: location)))
            }
        }
        return state
    }

    /// Reads one column chunk's bytes and makes its reader.
    private func chunkReader(_ chunk: ParquetColumnChunk, column: Int, location: String) throws -> ParquetColumnChunkReader {
        let descriptor = columns[column]
        let location = "\(location), column '\(descriptor.dottedPath)'"
        guard chunk.filePath == nil else {
            throw FormatError("\(location): the column chunk is in another file (\(chunk.filePath ?? "")), which is not supported")
        }
        guard let meta = chunk.metaData else {
            throw FormatError("\(location): the column chunk has no metadata (its columns may be encrypted, which is not supported)")
        }
        guard meta.type == descriptor.physical else {
            throw FormatError(
                "\(location): the column chunk holds \(PageValueDecoder.name(meta.type)) values, but the schema says \(PageValueDecoder.name(descriptor.physical))")
        }
        var start = meta.dataPageOffset
        if let dictionary = meta.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
        let length = meta.totalCompressedSize
        guard start >= 4, length >= 0, let begin = Int(exactly: start), let count = Int(exactly: length),
            count <= footer.offset - begin
        else {
            throw FormatError(
                "\(location): the column chunk at byte \(start) of \(length) bytes lies outside the file's data (bytes 4 ..< \(footer.offset))")
        }
        let bytes = try input.read(offset: begin, count: count)
        let pages = try ParquetPageIterator(chunk: bytes, chunkOffset: begin, compression: meta.codec, location: location)
        let converter = ParquetValueConverter(
            conversion: descriptor.conversion, physical: descriptor.physical, typeLength: descriptor.typeLength,
            field: descriptor.dottedPath, invalidUTF8: options.invalidUTF8)
        return ParquetColumnChunkReader(descriptor: descriptor, converter: converter, pages: pages)
    }

    /// The readers of the row group being read.
    private final class RowGroupState {
        enum Part {
            case flat(ParquetColumnChunkReader)
            case nested(ParquetRecordAssembler)
        }

        let plan: RowGroupPlan
        let fields: [String]
        /// Whether flat text columns may keep dictionary pages' codes (see ``DecodeOptions/keepsDictionaryText``).
        let keepsDictionaryText: Bool
        var parts: [Part] = []
        var rowsRead = 0

        init(plan: RowGroupPlan, fields: [String], keepsDictionaryText: Bool) {
            self.plan = plan
            self.fields = fields
            self.keepsDictionaryText = keepsDictionaryText
        }

        /// The next `count` rows, with the reasons of rows that cannot be read (by row).
        func read(_ count: Int) throws -> (RecordBatch, [Int: [String]]) {
            var columns: [Column] = []
            columns.reserveCapacity(parts.count)
            var reasons: [Int: [String]] = [:]
            for part in parts {
                switch part {
                case .flat(let reader):
                    var values = ParquetColumnValues(kind: reader.converter.conversion.kind)
                    values.keepsCodes = keepsDictionaryText
                    values.reserve(count)
                    var presence: [Column.Presence]?
                    try reader.readFlat(count, into: &values, presence: &presence)
                    for (row, reason) in values.invalid { reasons[row, default: []].append(reason) }
                    columns.append(values.column(presence: presence))
                case .nested(let assembler):
                    var values: [Value] = []
                    values.reserveCapacity(count)
                    var presence: [Column.Presence]?
                    for row in 0..<count {
                        let value = try assembler.readRow()
                        if !assembler.rowReasons.isEmpty { reasons[row, default: []].append(contentsOf: assembler.rowReasons) }
                        if value.isNull, presence == nil {
                            presence = Array(repeating: .present, count: row)
                            presence?.reserveCapacity(count)
                        }
                        presence?.append(value.isNull ? .null : .present)
                        values.append(value)
                    }
                    columns.append(Column(storage: .values(values), presence: presence))
                }
            }
            let first = plan.firstRow + rowsRead + 1
            rowsRead += count
            return (RecordBatch(fields: fields, columns: columns, positions: Array(first..<(first + count))), reasons)
        }

        func checkExhausted() throws {
            for part in parts {
                switch part {
                case .flat(let reader): try reader.checkExhausted()
                case .nested(let assembler): try assembler.checkExhausted()
                }
            }
        }
    }
}
