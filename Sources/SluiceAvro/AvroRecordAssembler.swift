// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore
import SluiceFormats

/// Decodes the records of one block at a time into column builders and hands out batches of
/// `batchSize` rows. A record holding a value that cannot be used (text that is not UTF-8, a
/// date out of range) is refused alone; bytes that are not valid data of the schema fail the
/// block with ``FormatError`` naming the block, its byte offset and the record.
struct AvroRecordAssembler: Sendable {
    /// Where the block being decoded is, for messages.
    struct BlockContext {
        /// The file's name.
        var name: String
        /// The 1-based block number.
        var number: Int
        /// The byte offset of the block's count in the file.
        var offset: Int
        /// Whether the block's data was decompressed (offsets are then into the uncompressed data).
        var compressed: Bool
    }

    /// A finished batch and the records refused among its rows.
    struct Output {
        var batch: RecordBatch
        var rejected: [Rejection]
    }

    private let plans: [AvroColumnPlan]
    /// Every top-level field's name, parallel to `plans`.
    private let planNames: [String]
    /// For enum fields, their symbols as UTF-8 bytes and the enum's name, parallel to `plans`.
    private let symbols: [[[UInt8]]]
    private let enumNames: [String]
    /// The projected fields, in file order.
    let fieldNames: [String]
    private let batchSize: Int
    private var decoder: AvroValueDecoder
    private let recordMinimumSize: Int
    private var builders: [ColumnBuilder]
    private var positions: [Int] = []
    /// Rows (of the batch being built) whose records were refused.
    private var refusedRows: [Int] = []
    private var rejected: [Rejection] = []
    /// Where binary values are turned into base64 text.
    private var scratch: [UInt8] = []
    /// The 1-based number of the last record read.
    private(set) var recordNumber = 0

    init(schema: AvroSchema, options: DecodeOptions) {
        let projection = options.projection
        let fields = schema.topLevelFields
        plans = fields.map { field in
            AvroColumnPlan(field, schema: schema, projected: projection.map { $0.contains(field.name) } ?? true)
        }
        planNames = fields.map(\.name)
        var symbols: [[[UInt8]]] = []
        var enumNames: [String] = []
        for plan in plans {
            if plan.reader == .symbols, case .enumeration(let name, let list) = schema[plan.valueNode].kind {
                symbols.append(list.map { Array($0.utf8) })
                enumNames.append(name)
            } else {
                symbols.append([])
                enumNames.append("")
            }
        }
        self.symbols = symbols
        self.enumNames = enumNames
        fieldNames = zip(plans, fields).filter { $0.0.reader != .skip }.map(\.1.name)
        batchSize = options.batchSize
        decoder = AvroValueDecoder(schema: schema, invalidUTF8: options.invalidUTF8)
        recordMinimumSize = schema[schema.root].minimumSize
        builders = []
        builders = freshBuilders()
    }

    private func freshBuilders() -> [ColumnBuilder] {
        Array(repeating: ColumnBuilder(capacity: min(batchSize, 1 << 16)), count: fieldNames.count)
    }

    /// Decodes the `count` records of a block's (uncompressed) `data`; returns the batches
    /// completed.
    mutating func decode(block data: UnsafeRawBufferPointer, count: Int, context: BlockContext) throws(FormatError) -> [Output] {
        var outputs: [Output] = []
        var cursor = AvroCursor(data)
        let dataName = context.compressed ? "the block's uncompressed data" : "the block's data"
        let firstRecord = recordNumber + 1
        func failure(_ error: AvroDataError, record: Int?) -> FormatError {
            let which = record.map { "record \($0) (\($0 - firstRecord + 1) of \(count) in the block)" } ?? "the record count \(count)"
            return FormatError(
                "\(context.name): block \(context.number) at byte \(context.offset): \(which), at byte \(error.offset) of \(dataName): \(error.message)")
        }
        decoder.zeroSizeBudget = AvroLimits.maximumZeroSizeItems
        do throws(AvroDataError) {
            try decoder.checkCount(count, minimumSize: recordMinimumSize, cursor, at: 0, what: "the block")
        } catch {
            throw failure(error, record: nil)
        }
        for _ in 0..<count {
            recordNumber += 1
            let recordStart = cursor.position
            var issue: String?
            do throws(AvroDataError) {
                try decodeRecord(&cursor, issue: &issue)
            } catch {
                throw failure(error, record: recordNumber)
            }
            positions.append(recordNumber)
            if let issue {
                refusedRows.append(positions.count - 1)
                rejected.append(
                    Rejection(
                        record: refusedRecord(data, at: recordStart), reasons: ["record \(recordNumber): \(issue)"],
                        position: recordNumber, stage: "source"))
            }
            if positions.count - refusedRows.count >= batchSize { outputs.append(takeBatch()) }
        }
        guard cursor.atEnd else {
            throw FormatError(
                "\(context.name): block \(context.number) at byte \(context.offset): \(cursor.remaining) bytes of \(dataName) follow its last record (record \(recordNumber)); the block's count or data is wrong")
        }
        return outputs
    }

    /// The rows read since the last batch (possibly none), as a batch.
    mutating func takeBatch() -> Output {
        var batch = RecordBatch(fields: fieldNames, columns: builders.map { $0.build() }, positions: positions)
        if !refusedRows.isEmpty {
            var kept: [Int] = []
            kept.reserveCapacity(positions.count - refusedRows.count)
            var next = 0
            for row in 0..<positions.count {
                if next < refusedRows.count, refusedRows[next] == row {
                    next += 1
                } else {
                    kept.append(row)
                }
            }
            batch = batch.selecting(kept)
        }
        let output = Output(batch: batch, rejected: rejected)
        builders = freshBuilders()
        positions = []
        positions.reserveCapacity(min(batchSize, 1 << 16))
        refusedRows = []
        rejected = []
        return output
    }

    /// Reads one record's fields into the builders (one row each).
    private mutating func decodeRecord(_ cursor: inout AvroCursor, issue: inout String?) throws(AvroDataError) {
        var column = 0
        for index in plans.indices {
            let plan = plans[index]
            if plan.reader == .skip {
                try decoder.skip(plan.node, &cursor, depth: 1)
                continue
            }
            defer { column += 1 }
            if plan.nullBranch >= 0 {
                let branch = try decoder.readBranch(&cursor, count: plan.branchCount)
                if branch == plan.nullBranch {
                    builders[column].appendNull()
                    continue
                }
            }
            switch plan.reader {
            case .skip:
                break
            case .boolean:
                builders[column].appendBool(try cursor.readBoolean())
            case .int:
                builders[column].appendInt(try cursor.readInt())
            case .long:
                builders[column].appendInt(try cursor.readLong())
            case .float:
                builders[column].appendDouble(Double(try cursor.readFloat()))
            case .double:
                builders[column].appendDouble(try cursor.readDouble())
            case .string:
                let bytes = try cursor.readBytes()
                if let bad = AvroText.firstInvalid(bytes) {
                    switch decoder.invalidUTF8 {
                    case .reject:
                        if issue == nil { issue = "invalid UTF-8 in field '\(planNames[index])' at byte \(bad) of the field" }
                        builders[column].appendNull()
                    case .replace:
                        builders[column].appendString(String(decoding: bytes, as: UTF8.self))
                    }
                } else {
                    builders[column].appendText(bytes)
                }
            case .symbols:
                let list = symbols[index]
                let symbol = try decoder.readSymbol(&cursor, count: list.count, name: enumNames[index])
                list[symbol].withUnsafeBytes { builders[column].appendText($0) }
            case .bytes, .fixed:
                let bytes = plan.reader == .bytes ? try cursor.readBytes() : try cursor.readFixed(plan.fixedSize)
                scratch.removeAll(keepingCapacity: true)
                AvroBase64.append(bytes, to: &scratch)
                scratch.withUnsafeBytes { builders[column].appendText($0) }
            case .value:
                var valueIssue: String?
                let value = try decoder.value(plan.valueNode, &cursor, depth: 1, issue: &valueIssue)
                if let valueIssue, issue == nil { issue = "field '\(planNames[index])': \(valueIssue)" }
                builders[column].append(value)
            }
        }
    }

    /// A refused record as far as it can be read: every field's value, `null` where unusable.
    private func refusedRecord(_ data: UnsafeRawBufferPointer, at start: Int) -> Value {
        var cursor = AvroCursor(data, at: start)
        var reader = decoder
        reader.zeroSizeBudget = AvroLimits.maximumZeroSizeItems
        var object = ValueObject()
        var ignored: String?
        for (plan, name) in zip(plans, planNames) {
            guard let value = try? reader.value(plan.node, &cursor, depth: 1, issue: &ignored) else { break }
            object.appendUnchecked(key: name, value: value)
        }
        return .object(object)
    }
}
