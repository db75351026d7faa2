// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore
import SluiceFormats

/// Writes records as an Avro object container file.
///
/// The schema is a record (``AvroWriteOptions/recordName``) whose fields are the first
/// batch's, in order, then any hinted field the first batch lacks; field names are made valid
/// Avro names (other characters become `_`, a leading digit gets a `_`, repeats get `_2`).
/// A field with a hint in ``AvroWriteOptions/fieldSchemas`` gets its declared type (integers
/// of up to 32 bits → `int`, wider → `long`; float → `float`; double → `double`; decimal →
/// `bytes` decimal(p,s), written exactly; date → `int` date; time → time-millis or
/// time-micros; timestamps → `long` timestamp-millis/micros/nanos, `local-` when not UTC;
/// uuid → `string` uuid; binary → `bytes` and fixed → `fixed`, both from base64 text; json →
/// `string`; lists, structs, maps with text keys and enums → Avro arrays, records, maps and
/// enums), and is nullable only if the hint says so. Other fields are inferred from the first
/// batch (see ``AvroWriteType/inferred(from:)``) and always nullable: every field is the
/// union `["null", type]`.
///
/// A value that does not fit its field's type (text in a `long`, a fraction in a date, a
/// decimal with too many digits, null in a non-nullable field) throws ``FormatError`` naming
/// the field, the record's position and the type. So does a field that first appears after
/// the first batch, since the schema is fixed by then.
public struct AvroEncoder: RecordFileEncoder {
    /// The options.
    public let options: AvroWriteOptions
    /// The file's name, for messages.
    public let name: String
    /// The writer schema's JSON text, once the header has been written.
    public private(set) var schemaJSON: String?

    private var fields: [AvroWriteField]?
    private var sync: [UInt8] = []
    private var block: [UInt8] = []
    private var blockCount = 0
    private var compressed: [UInt8] = []

    /// An encoder with `options`; `name` (a path or URL) is what error messages call the file.
    public init(options: AvroWriteOptions = AvroWriteOptions(), name: String = "Avro output") {
        self.options = options
        self.name = name
    }

    /// Checks the options; the header follows with the first batch (its schema comes from it).
    public mutating func begin(into out: inout [UInt8]) throws {
        guard options.codec != .bzip2 else { throw FormatError("\(name): Avro files cannot be written with the bzip2 codec (reading only); choose null, deflate, snappy or zstandard") }
        if let marker = options.syncMarker {
            guard marker.count == AvroSyncMarker.size else {
                throw FormatError("\(name): the sync marker must be \(AvroSyncMarker.size) bytes, not \(marker.count)")
            }
            sync = marker
        } else {
            var generator = SystemRandomNumberGenerator()
            sync = (0..<AvroSyncMarker.size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
    }

    /// Writes the header first if this is the first batch (its fields fix the schema), then
    /// appends the rows to the current block, writing each block as it fills.
    public mutating func encode(_ batch: RecordBatch, into out: inout [UInt8]) throws {
        if fields == nil { try writeHeader(fields: makeFields(batch), into: &out) }
        guard let fields else { return }
        let writers = try columnWriters(fields, batch)
        let nullable = fields.map(\.slot.nullable)
        for row in 0..<batch.count {
            for index in writers.indices {
                do throws(AvroWriteError) {
                    try writers[index].write(row: row, nullable: nullable[index], into: &block)
                } catch {
                    throw FormatError("\(name): field '\(fields[index].source)', record \(batch.positions[row]): \(error.message)")
                }
            }
            blockCount += 1
            if blockCount >= options.blockRecords || block.count >= options.blockBytes { try flush(into: &out) }
        }
    }

    /// Writes the last, partial block (and the header, from the hints alone, when no batch came).
    public mutating func finish(into out: inout [UInt8]) throws {
        if fields == nil { try writeHeader(fields: makeFields(RecordBatch.empty), into: &out) }
        if blockCount > 0 { try flush(into: &out) }
    }

    /// The fields of the file: the batch's, then hinted fields it lacks (by name).
    private func makeFields(_ batch: RecordBatch) -> [AvroWriteField] {
        var fieldNames = AvroNames()
        var typeNames = AvroNames()
        _ = typeNames.unique(options.recordName)
        var result: [AvroWriteField] = []
        func add(_ source: String, column: Column?) {
            let slot: AvroWriteSlot
            if let hint = options.fieldSchemas[source] {
                slot = AvroWriteSlot(type: .declared(hint.type, path: source, names: &typeNames), nullable: hint.nullable)
            } else {
                slot = AvroWriteSlot(type: column.map(AvroWriteType.inferred(from:)) ?? .string, nullable: true)
            }
            result.append(AvroWriteField(name: fieldNames.unique(source), source: source, slot: slot))
        }
        for (source, column) in zip(batch.fields, batch.columns) { add(source, column: column) }
        let present = Set(batch.fields)
        for source in options.fieldSchemas.keys.sorted() where !present.contains(source) { add(source, column: nil) }
        return result
    }

    private mutating func writeHeader(fields: [AvroWriteField], into out: inout [UInt8]) throws {
        if sync.isEmpty { try begin(into: &out) }
        var record = ValueObject()
        record["type"] = "record"
        record["name"] = .string(AvroNames.sanitized(options.recordName))
        if let namespace = options.namespace, !namespace.isEmpty { record["namespace"] = .string(namespace) }
        record["fields"] = .array(fields.map { ["name": .string($0.name), "type": $0.slot.schema] })
        let json = JSONText.string(.object(record))
        out.append(contentsOf: AvroHeader.magic)
        AvroBinaryWriter.appendLong(2, to: &out)
        AvroBinaryWriter.appendString("avro.schema", to: &out)
        AvroBinaryWriter.appendString(json, to: &out)
        AvroBinaryWriter.appendString("avro.codec", to: &out)
        AvroBinaryWriter.appendString(options.codec.rawValue, to: &out)
        AvroBinaryWriter.appendLong(0, to: &out)
        out.append(contentsOf: sync)
        schemaJSON = json
        self.fields = fields
    }

    /// Writes the held records as one block.
    private mutating func flush(into out: inout [UInt8]) throws {
        AvroBinaryWriter.appendLong(blockCount, to: &out)
        if options.codec == .null {
            AvroBinaryWriter.appendBytes(block, to: &out)
        } else {
            compressed.removeAll(keepingCapacity: true)
            do {
                try block.withUnsafeBytes { try options.codec.compress($0, level: options.compressionLevel, into: &compressed) }
            } catch {
                throw FormatError("\(name): \(options.codec.rawValue) compression of a block failed: \(error)")
            }
            AvroBinaryWriter.appendBytes(compressed, to: &out)
        }
        out.append(contentsOf: sync)
        block.removeAll(keepingCapacity: true)
        blockCount = 0
    }

    /// How each field's values are taken from `batch`.
    private func columnWriters(_ fields: [AvroWriteField], _ batch: RecordBatch) throws -> [AvroColumnWriter] {
        let known = Set(fields.map(\.source))
        if let extra = batch.fields.first(where: { !known.contains($0) }) {
            let column = batch.column(named: extra)
            let row = (0..<batch.count).first { column?.presence(at: $0) != .absent } ?? 0
            let position = batch.positions.isEmpty ? "" : ", record \(batch.positions[row])"
            throw FormatError(
                "\(name): field '\(extra)'\(position): the field is not in the file's schema, which the first batch fixed (declare it in the field hints to keep it)")
        }
        return fields.map { field in
            guard let column = batch.column(named: field.source) else { return .missing }
            return AvroColumnWriter(column: column, type: field.slot.type)
        }
    }
}
