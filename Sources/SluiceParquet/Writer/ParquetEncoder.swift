import SluiceCore
import SluiceFormats

/// Writes record batches as a Parquet file: the magic, one row group per
/// ``ParquetWriteOptions/rowGroupSize`` rows (or ``ParquetWriteOptions/rowGroupByteLimit``
/// buffered bytes), and the footer.
///
/// The file's schema is decided when the first row group is complete, from its values and the
/// types the source declared (``ParquetWriteOptions/fieldSchemas``):
/// - declared types are kept (`decimal(12,2)` → DECIMAL in INT64, `date` → DATE, `int16` →
///   INT32 with INT(16), `uuid` → FIXED_LEN_BYTE_ARRAY(16) UUID, `binary` → BYTE_ARRAY from
///   base64; lists, structs and maps → nested LIST, group and MAP columns, see
///   ``NestedShredder``);
/// - otherwise integers → INT64; integers and doubles → DOUBLE; booleans → BOOLEAN;
///   timestamps → TIMESTAMP(micros, UTC); text → STRING; any array or object → JSON text;
///   other mixes, and columns that are all null → STRING (a number or boolean in a STRING
///   column is written as its text).
///
/// Text is taken where it is a value's text form in Sluice's conventions: ISO 8601 in a
/// timestamp or date column, `HH:MM:SS[.f]` in a time column, base64 in a binary one,
/// canonical text in a UUID one, decimal text in a decimal or uint64 one.
///
/// Every column is OPTIONAL unless declared not nullable. A value that does not fit its
/// column (text in an INT64 column, a decimal with more fraction digits than the scale, an
/// out-of-range integer) throws a ``FormatError`` naming the record, the field and the type.
/// A field first seen after the schema is fixed throws too, unless it holds only nulls (a
/// Parquet file has one schema). A declared field that no batch carries is not written.
///
/// One row group of batches is held at a time (by reference: the batches' typed storage),
/// converted column by column when the group is written, and released.
public struct ParquetEncoder: RecordFileEncoder, Sendable {
    /// The layout options.
    public let options: ParquetWriteOptions

    /// The buffered rows `rows` of `batch`.
    private struct Piece: Sendable {
        var batch: RecordBatch
        var rows: Range<Int>
    }

    /// The top-level fields' schema nodes, once decided.
    private var plans: [ParquetNode]?
    private var planNames: Set<String> = []
    /// Field names of the first row group in first-seen order, until the plans are decided.
    private var seenFields: [String] = []
    private var seenFieldSet: Set<String> = []
    private var pieces: [Piece] = []
    private var bufferedRows = 0
    private var bufferedBytes = 0
    /// Bytes appended so far: the file offset of the next byte.
    private var offset = 0
    private var rowGroups: [ParquetRowGroup] = []
    private var totalRows: Int64 = 0
    private var started = false
    private var finished = false

    /// An encoder with `options`.
    public init(options: ParquetWriteOptions = ParquetWriteOptions()) {
        self.options = options
    }

    /// Appends the magic `PAR1`.
    public mutating func begin(into out: inout [UInt8]) throws {
        guard !started else { return }
        guard options.rowGroupSize >= 1, options.rowGroupSize <= 1 << 30 else {
            throw FormatError("Parquet: rowGroupSize must be 1 to \(1 << 30) rows, not \(options.rowGroupSize)")
        }
        guard options.rowGroupByteLimit >= 1 else {
            throw FormatError("Parquet: rowGroupByteLimit must be at least 1, not \(options.rowGroupByteLimit)")
        }
        guard options.pageSize >= 1, options.pageSize <= 1 << 30 else {
            throw FormatError("Parquet: pageSize must be 1 to \(1 << 30) bytes, not \(options.pageSize)")
        }
        if let level = options.level {
            let range: ClosedRange<Int>? = options.compression == .gzip ? 1...9 : options.compression == .zstd ? 1...22 : nil
            if let range, !range.contains(level) {
                throw FormatError(
                    "Parquet: the \(options.compression.rawValue) level must be \(range.lowerBound) to \(range.upperBound), not \(level)")
            }
        }
        started = true
        out.append(contentsOf: Self.magic)
        offset = Self.magic.count
    }

    /// Buffers the rows of `batch`, writing each row group as it fills.
    public mutating func encode(_ batch: RecordBatch, into out: inout [UInt8]) throws {
        guard !finished else { throw FormatError("Parquet: rows after the file was finished") }
        if !started { try begin(into: &out) }
        if plans == nil {
            for field in batch.fields where seenFieldSet.insert(field).inserted { seenFields.append(field) }
        } else {
            try checkFields(of: batch)
        }
        guard !batch.isEmpty else { return }
        let bytesPerRow = Swift.max(1, batch.estimatedBytes / batch.count)
        var start = 0
        while start < batch.count {
            let roomInRows = options.rowGroupSize - bufferedRows
            var roomInBytes = (options.rowGroupByteLimit - bufferedBytes) / bytesPerRow
            if roomInBytes == 0 {
                // Not one more row fits: end the group (a single row larger than the cap
                // makes a group of its own).
                guard bufferedRows == 0 else {
                    try writeRowGroup(into: &out)
                    continue
                }
                roomInBytes = 1
            }
            let take = Swift.min(batch.count - start, roomInRows, roomInBytes)
            pieces.append(Piece(batch: batch, rows: start..<(start + take)))
            bufferedRows += take
            bufferedBytes += take * bytesPerRow
            start += take
            if bufferedRows >= options.rowGroupSize || bufferedBytes >= options.rowGroupByteLimit {
                try writeRowGroup(into: &out)
            }
        }
    }

    /// Writes the rows still buffered and the footer.
    public mutating func finish(into out: inout [UInt8]) throws {
        guard !finished else { return }
        if !started { try begin(into: &out) }
        if bufferedRows > 0 { try writeRowGroup(into: &out) }
        let plans = try self.plans ?? decidePlans()
        var metadata = ParquetFileMetaData()
        metadata.version = 2
        var root = ParquetSchemaElement(name: "schema")
        root.numChildren = Int32(truncatingIfNeeded: plans.count)
        var schema = [root]
        for node in plans { node.appendSchemaElements(to: &schema) }
        metadata.schema = schema
        metadata.numRows = totalRows
        metadata.rowGroups = rowGroups
        metadata.createdBy = "sluice"
        metadata.columnOrdersAreTypeDefined = Array(repeating: true, count: plans.reduce(0) { $0 + $1.leafCount })
        let footer = metadata.encoded()
        guard let length = UInt32(exactly: footer.count) else {
            throw FormatError("Parquet: the footer's \(footer.count) bytes do not fit its 32-bit length")
        }
        out.append(contentsOf: footer)
        withUnsafeBytes(of: length.littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: Self.magic)
        offset += footer.count + 8
        finished = true
    }

    private static let magic: [UInt8] = Array("PAR1".utf8)

    /// Throws when `batch` has a value in a field the file's schema lacks.
    private func checkFields(of batch: RecordBatch) throws {
        var newFields: [String] = []
        var firstRow: Int?
        for (field, column) in zip(batch.fields, batch.columns) where !planNames.contains(field) {
            guard let row = (0..<batch.count).first(where: { column.isPresent($0) && !column.value(at: $0).isNull }) else {
                continue
            }
            newFields.append("\"\(field)\"")
            firstRow = Swift.min(firstRow ?? row, row)
        }
        guard let firstRow else { return }
        let names = newFields.count == 1 ? "field \(newFields[0]) first appears" : "fields \(newFields.joined(separator: ", ")) first appear"
        throw FormatError(
            "Parquet: record \(batch.positions[firstRow]): \(names) after the first row group fixed the file's schema (a Parquet file has one schema)"
        )
    }

    /// The schema nodes, from the buffered (first) row group and the declared types.
    private mutating func decidePlans() throws -> [ParquetNode] {
        var plans: [ParquetNode] = []
        plans.reserveCapacity(seenFields.count)
        for field in seenFields {
            if let hint = options.fieldSchemas[field] {
                let declared = FieldSchema(name: field, type: hint.type, nullable: hint.nullable)
                plans.append(try ParquetNode.declared(declared, path: [field], definition: 0, repetition: 0))
                continue
            }
            var census = ParquetSchemaInference.Census()
            for piece in pieces {
                guard let index = piece.batch.index(of: field) else { continue }
                ParquetSchemaInference.survey(piece.batch.columns[index], rows: piece.rows, into: &census)
            }
            plans.append(.leaf(try ParquetSchemaInference.plan(name: field, census: census, hint: nil)))
        }
        self.plans = plans
        planNames = Set(seenFields)
        seenFields = []
        seenFieldSet = []
        return plans
    }

    /// Converts and writes the buffered rows as one row group, then releases them.
    private mutating func writeRowGroup(into out: inout [UInt8]) throws {
        let plans = try self.plans ?? decidePlans()
        let writer = ColumnChunkWriter(options: options, rowGroup: rowGroups.count)
        let start = out.count
        var group = ParquetRowGroup()
        group.numRows = Int64(bufferedRows)
        var uncompressed: Int64 = 0
        var compressed: Int64 = 0
        do {
            func add(_ chunk: ParquetColumnChunk) {
                uncompressed += chunk.metaData?.totalUncompressedSize ?? 0
                compressed += chunk.metaData?.totalCompressedSize ?? 0
                group.columns.append(chunk)
            }
            for node in plans {
                if case .leaf(let plan) = node {
                    var buffer = ColumnChunkBuffer(plan: plan, capacity: bufferedRows)
                    for piece in pieces {
                        let column = piece.batch.index(of: plan.name).map { piece.batch.columns[$0] }
                        try buffer.append(column, rows: piece.rows, positions: piece.batch.positions)
                    }
                    add(try writer.write(buffer, levels: ChunkLevels(flat: buffer), fileOffset: offset + (out.count - start), into: &out))
                    continue
                }
                var shredder = NestedShredder(root: node, capacity: bufferedRows)
                for piece in pieces {
                    let column = piece.batch.index(of: node.fieldName).map { piece.batch.columns[$0] }
                    for row in piece.rows {
                        try shredder.append(column?.value(at: row) ?? .null, position: piece.batch.positions[row])
                    }
                }
                for leaf in 0..<node.leafCount {
                    add(try writer.write(shredder.values[leaf], levels: shredder.levels(leaf), fileOffset: offset + (out.count - start), into: &out))
                }
            }
        } catch {
            out.removeSubrange(start...)
            throw error
        }
        group.totalByteSize = uncompressed
        group.totalCompressedSize = compressed
        group.fileOffset = group.columns.first?.fileOffset
        group.ordinal = Int16(exactly: rowGroups.count)
        rowGroups.append(group)
        totalRows += Int64(bufferedRows)
        offset += out.count - start
        pieces = []
        bufferedRows = 0
        bufferedBytes = 0
    }
}
