import SluiceAvro
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

/// The writer, checked by fastavro reading what it wrote (values and declared schema), and
/// by Sluice's own reader.
@Suite struct AvroEncoderTests {
    private static let sync: [UInt8] = Array(0xE0..<0xF0)

    /// Writes `batches` with `options` and returns the file's bytes.
    private func write(_ batches: [RecordBatch], options: AvroWriteOptions) throws -> [UInt8] {
        var encoder = AvroEncoder(options: options, name: "out.avro")
        var out: [UInt8] = []
        try encoder.begin(into: &out)
        for batch in batches { try encoder.encode(batch, into: &out) }
        try encoder.finish(into: &out)
        return out
    }

    /// What fastavro reads from `bytes`.
    private func fastavroRead(_ bytes: [UInt8]) async throws -> (rows: [Value], codec: String, schema: Value) {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("out.avro")
        try writeBytes(bytes, to: path)
        let read = try await AvroOracle.read(path)
        return (read.rows, read.codec, read.schema)
    }

    /// A batch of inferred types: ints, doubles, text, bools, timestamps, nested values, a
    /// mixed column, nulls and absent rows.
    private func inferredBatch(rows: Int, from start: Int) -> RecordBatch {
        var records: [ValueObject] = []
        for k in start..<(start + rows) {
            var record = ValueObject()
            record["id"] = .int(k)
            record["score"] = k % 4 == 0 ? .null : .double(Double(k) / 8)
            record["name"] = .string(k % 5 == 0 ? "é \"quoted\" 😀" : "name \(k)")
            record["flag"] = .bool(k % 2 == 0)
            record["at"] = k % 3 == 0 ? .null : .timestamp(Timestamp(microseconds: Int64(k) * 1_000_000_007 - 5_000_000_000_000))
            record["nested"] = k % 2 == 0 ? ["a": .int(k), "b": ["x", nil]] : .array([1.5, "y"])
            if k % 7 != 0 { record["sometimes"] = .string("s\(k)") }
            record["mixed"] = k % 2 == 0 ? .int(k) : .double(0.5)
            records.append(record)
        }
        return RecordBatch(records: records, positions: Array(start..<(start + rows)))
    }

    /// The rows of `batches` as fastavro should read them back.
    private func expectedInferred(_ batches: [RecordBatch]) -> [Value] {
        batches.flatMap { batch in
            (0..<batch.count).map { row -> Value in
                var object = ValueObject()
                for (field, column) in zip(batch.fields, batch.columns) {
                    let value = column.value(at: row)
                    switch value {
                    case .array, .object: object[field] = .string(JSONText.string(value))
                    default: object[field] = comparable(value)
                    }
                }
                return .object(object)
            }
        }
    }

    @Test(arguments: [AvroCodec.null, .deflate, .snappy, .zstandard])
    func fastavroReadsInferredTypes(codec: AvroCodec) async throws {
        let batches = [inferredBatch(rows: 40, from: 1), inferredBatch(rows: 25, from: 41)]
        let options = AvroWriteOptions(codec: codec, blockRecords: 16, syncMarker: Self.sync)
        let bytes = try write(batches, options: options)
        let read = try await fastavroRead(bytes)
        #expect(read.codec == codec.rawValue)
        #expect(firstDifference(read.rows, expectedInferred(batches)) == nil)
        let schema = JSONText.string(read.schema)
        #expect(schema == #"{"type":"record","name":"Record","fields":[{"name":"id","type":["null","long"]},{"name":"score","type":["null","double"]},{"name":"name","type":["null","string"]},{"name":"flag","type":["null","boolean"]},{"name":"at","type":["null",{"logicalType":"timestamp-micros","type":"long"}]},{"name":"nested","type":["null","string"]},{"name":"sometimes","type":["null","string"]},{"name":"mixed","type":["null","double"]}]}"#)
        // Sluice reads back the same, with positions 1…65.
        let decoded = try decodeAvro(bytes)
        #expect(firstDifference(decoded.rows, expectedInferred(batches)) == nil)
        #expect(decoded.positions == Array(1...65))
        #expect(bytes.suffix(16).elementsEqual(Self.sync))
    }

    /// Record `k` of the hinted-types test.
    private func hintedRecord(_ k: Int) -> ValueObject {
        var record = ValueObject()
        record["price"] = k % 2 == 0 ? .int(k * 100) : .string("\(k).05")
        record["big"] = k % 3 == 0 ? .null : .string("-1234567890123456789012345678.0123456789")
        record["day"] = .timestamp(Timestamp(microseconds: Int64(k - 15) * 86_400_000_000 * 400))
        record["id"] = .string(k % 2 == 0 ? "0E984725-C51C-4BF4-9960-E1C80E27ABA0" : "f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
        record["blob"] = .string(["", "AA==", "/wB/gA=="][k % 3])
        record["code"] = .string("YWJj")
        let millis = String(k + 1000).dropFirst()
        record["t1"] = .string("23:59:59.\(millis)")
        record["t2"] = .string(k % 2 == 0 ? "00:00:00" : "12:34:56.123456")
        record["local"] = .timestamp(Timestamp(milliseconds: Int64(k) * 1_000_003))
        record["nanos"] = .timestamp(Timestamp(microseconds: -Int64(k) * 999_999_937))
        record["small"] = .int(k % 2 == 0 ? -128 : 127)
        record["ratio"] = .double(Double(k) / 4)
        record["color"] = k % 4 == 0 ? .null : .string(k % 2 == 0 ? "RED" : "GREEN")
        record["list"] = k % 5 == 0 ? .array([]) : .array([.int(k), .null, .int(-k)])
        var point = ValueObject()
        point["x"] = .double(Double(k) * 1.5)
        point["label"] = k % 2 == 0 ? .null : .string("p\(k)")
        record["point"] = .object(point)
        var attrs = ValueObject()
        for i in 0..<(k % 3) { attrs["k\(i)"] = .bool(i % 2 == 0) }
        record["attrs"] = .object(attrs)
        record["doc"] = k % 2 == 0 ? .object(ValueObject([("n", .int(k))])) : .string("plain")
        return record
    }

    @Test(arguments: [AvroCodec.null, .deflate, .snappy, .zstandard])
    func fastavroReadsHintedTypes(codec: AvroCodec) async throws {
        let hints: [String: FieldSchema] = [
            "price": FieldSchema(name: "price", type: .decimal(precision: 12, scale: 2), nullable: false),
            "big": FieldSchema(name: "big", type: .decimal(precision: 38, scale: 10)),
            "day": FieldSchema(name: "day", type: .date),
            "id": FieldSchema(name: "id", type: .uuid, nullable: false),
            "blob": FieldSchema(name: "blob", type: .binary),
            "code": FieldSchema(name: "code", type: .fixedBinary(length: 3)),
            "t1": FieldSchema(name: "t1", type: .time(unit: .millis)),
            "t2": FieldSchema(name: "t2", type: .time(unit: .micros)),
            "local": FieldSchema(name: "local", type: .timestamp(unit: .millis, utc: false)),
            "nanos": FieldSchema(name: "nanos", type: .timestamp(unit: .nanos, utc: true)),
            "small": FieldSchema(name: "small", type: .integer(bits: 8, signed: true)),
            "ratio": FieldSchema(name: "ratio", type: .float(bits: 32)),
            "color": FieldSchema(name: "color", type: .enumeration(symbols: ["RED", "GREEN"])),
            "list": FieldSchema(name: "list", type: .list(element: FieldSchema(name: "element", type: .integer(bits: 32, signed: true), nullable: true))),
            "point": FieldSchema(name: "point", type: .structure(fields: [
                FieldSchema(name: "x", type: .float(bits: 64), nullable: false),
                FieldSchema(name: "label", type: .string),
            ])),
            "attrs": FieldSchema(name: "attrs", type: .map(key: FieldSchema(name: "key", type: .string, nullable: false), value: FieldSchema(name: "value", type: .boolean, nullable: false))),
            "doc": FieldSchema(name: "doc", type: .json),
            "only-hinted": FieldSchema(name: "only-hinted", type: .string),
        ]
        let records: [ValueObject] = (0..<30).map { k in hintedRecord(k) }
        let batch = RecordBatch(records: records, positions: Array(1...30))
        let options = AvroWriteOptions(codec: codec, fieldSchemas: hints, blockRecords: 7, syncMarker: Self.sync, recordName: "my record", namespace: "org.example")
        let bytes = try write([batch], options: options)
        let read = try await fastavroRead(bytes)
        var expected: [Value] = []
        for record in records {
            var object = ValueObject()
            for (key, value) in record.pairs {
                switch key {
                case "id": object[key] = .string(value.stringValue?.lowercased() ?? "")
                case "price", "big":
                    if case .string(let text) = value {
                        object[key] = text.contains("1234567890123456789012") ? .string(text) : .double(Double(text) ?? 0)
                    } else {
                        object[key] = value
                    }
                case "t1":
                    let text = value.stringValue ?? ""
                    object[key] = .string(text.hasSuffix(".000") ? String(text.dropLast(4)) : text + "000")
                case "doc": object[key] = .string(JSONText.string(value))
                default: object[key] = comparable(value)
                }
            }
            object["only_hinted"] = .null
            expected.append(.object(object))
        }
        #expect(firstDifference(read.rows, expected) == nil)
        let schema = JSONText.string(read.schema)
        #expect(schema == #"{"type":"record","name":"org.example.my_record","fields":[{"name":"price","type":{"logicalType":"decimal","precision":12,"scale":2,"type":"bytes"}},{"name":"big","type":["null",{"logicalType":"decimal","precision":38,"scale":10,"type":"bytes"}]},{"name":"day","type":["null",{"logicalType":"date","type":"int"}]},{"name":"id","type":{"logicalType":"uuid","type":"string"}},{"name":"blob","type":["null","bytes"]},{"name":"code","type":["null",{"type":"fixed","name":"org.example.code_fixed","size":3}]},{"name":"t1","type":["null",{"logicalType":"time-millis","type":"int"}]},{"name":"t2","type":["null",{"logicalType":"time-micros","type":"long"}]},{"name":"local","type":["null",{"logicalType":"local-timestamp-millis","type":"long"}]},{"name":"nanos","type":["null",{"logicalType":"timestamp-nanos","type":"long"}]},{"name":"small","type":["null","int"]},{"name":"ratio","type":["null","float"]},{"name":"color","type":["null",{"type":"enum","name":"org.example.color_enum","symbols":["RED","GREEN"]}]},{"name":"list","type":["null",{"type":"array","items":["null","int"]}]},{"name":"point","type":["null",{"type":"record","name":"org.example.point","fields":[{"name":"x","type":"double"},{"name":"label","type":["null","string"]}]}]},{"name":"attrs","type":["null",{"type":"map","values":"boolean"}]},{"name":"doc","type":["null","string"]},{"name":"only_hinted","type":["null","string"]}]}"#)
        // Sluice reads back the declared types.
        let decoded = try decodeAvro(bytes)
        let declared = try #require(decoded.schema)
        #expect(declared.first { $0.name == "price" } == FieldSchema(name: "price", type: .decimal(precision: 12, scale: 2), nullable: false))
        #expect(declared.first { $0.name == "day" }?.type == .date)
        #expect(declared.first { $0.name == "local" }?.type == .timestamp(unit: .millis, utc: false))
        #expect(firstDifference(decoded.rows, expected) == nil)
    }

    @Test func valuesThatDoNotFitNameFieldRecordAndType() throws {
        /// The message of writing `records` (the first in a batch of its own, which fixes the
        /// inferred types, the rest in a second batch at `positions`).
        func failure(_ hints: [String: FieldSchema], _ values: [Value], positions: [Int]? = nil) -> String? {
            let records = values.compactMap(\.objectValue)
            do {
                let first = RecordBatch(records: Array(records.prefix(1)))
                let rest = RecordBatch(records: Array(records.dropFirst()), positions: positions ?? Array(2..<(records.count + 1)))
                _ = try write([first, rest], options: AvroWriteOptions(fieldSchemas: hints))
                return nil
            } catch let error as FormatError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
        #expect(failure([:], [["n": 1], ["n": "x"]], positions: [11]) == #"out.avro: field 'n', record 11: string "x" does not fit Avro type long"#)
        #expect(failure([:], [["n": 1], ["n": 1.5]]) == "out.avro: field 'n', record 2: number 1.5 does not fit Avro type long")
        let small = ["n": FieldSchema(name: "n", type: .integer(bits: 8, signed: true))]
        #expect(failure(small, [["n": 128]]) == "out.avro: field 'n', record 1: number 128 does not fit Avro type int")
        let price = ["p": FieldSchema(name: "p", type: .decimal(precision: 5, scale: 2))]
        #expect(failure(price, [["p": "1.005"]]) == "out.avro: field 'p', record 1: 1.005 has more than 2 digits after the point: it does not fit decimal(5,2)")
        #expect(failure(price, [["p": 1234]]) == "out.avro: field 'p', record 1: 1234 has more than 5 digits at scale 2: it does not fit decimal(5,2)")
        let required = ["r": FieldSchema(name: "r", type: .string, nullable: false)]
        #expect(failure(required, [["r": "a"], ["r": nil]]) == "out.avro: field 'r', record 2: null is not allowed: the field is declared not nullable")
        let day = ["d": FieldSchema(name: "d", type: .date)]
        #expect(failure(day, [["d": .timestamp(Timestamp(microseconds: 1))]]) == #"out.avro: field 'd', record 1: "1970-01-01T00:00:00.000001Z" is not midnight UTC: it does not fit Avro type date"#)
        let id = ["u": FieldSchema(name: "u", type: .uuid)]
        #expect(failure(id, [["u": "not-a-uuid"]]) == #"out.avro: field 'u', record 1: string "not-a-uuid" does not fit Avro type uuid"#)
        let blob = ["b": FieldSchema(name: "b", type: .fixedBinary(length: 2))]
        #expect(failure(blob, [["b": "AAAA"]]) == "out.avro: field 'b', record 1: base64 text of 3 bytes does not fit fixed(2)")
        let colors = ["c": FieldSchema(name: "c", type: .enumeration(symbols: ["A"]))]
        #expect(failure(colors, [["c": "B"]]) == #"out.avro: field 'c', record 1: string "B" does not fit Avro type enum c_enum"#)
        let point = ["p": FieldSchema(name: "p", type: .structure(fields: [FieldSchema(name: "x", type: .integer(bits: 64, signed: true), nullable: false)]))]
        #expect(failure(point, [["p": ["x": "1"]]]) == #"out.avro: field 'p', record 1: in 'x': string "1" does not fit Avro type long"#)
        // A field that first appears after the first batch.
        var encoder = AvroEncoder(name: "out.avro")
        var out: [UInt8] = []
        #expect(throws: FormatError("out.avro: field 'late', record 7: the field is not in the file's schema, which the first batch fixed (declare it in the field hints to keep it)")) {
            try encoder.begin(into: &out)
            try encoder.encode(RecordBatch(records: [ValueObject([("a", 1)])]), into: &out)
            try encoder.encode(RecordBatch(records: [ValueObject([("a", 2)]), ValueObject([("a", 3), ("late", 1)])], positions: [6, 7]), into: &out)
        }
    }

    @Test func namesAreMadeValidAndUnique() async throws {
        let batch = RecordBatch(records: [ValueObject([("first name", "a"), ("first_name", "b"), ("1st", 1), ("ünï", true)])])
        let bytes = try write([batch], options: AvroWriteOptions(syncMarker: Self.sync))
        let read = try await fastavroRead(bytes)
        #expect(read.rows == [["first_name": "a", "first_name_2": "b", "_1st": 1, "_n_": true]])
    }

    @Test func noBatchesWritesAValidEmptyFile() async throws {
        let hints = ["b": FieldSchema(name: "b", type: .boolean), "a": FieldSchema(name: "a", type: .string, nullable: false)]
        let bytes = try write([], options: AvroWriteOptions(fieldSchemas: hints, syncMarker: Self.sync))
        let read = try await fastavroRead(bytes)
        #expect(read.rows.isEmpty)
        #expect(JSONText.string(read.schema) == #"{"type":"record","name":"Record","fields":[{"name":"a","type":"string"},{"name":"b","type":["null","boolean"]}]}"#)
        var bad = AvroEncoder(options: AvroWriteOptions(syncMarker: [1, 2, 3]), name: "out.avro")
        var out: [UInt8] = []
        #expect(throws: FormatError("out.avro: the sync marker must be 16 bytes, not 3")) { try bad.begin(into: &out) }
        var bzip2 = AvroEncoder(options: AvroWriteOptions(codec: .bzip2), name: "out.avro")
        #expect(throws: FormatError("out.avro: Avro files cannot be written with the bzip2 codec (reading only); choose null, deflate, snappy or zstandard")) {
            try bzip2.begin(into: &out)
        }
    }

    @Test func manyBlocksAndARandomSyncMarker() async throws {
        let batch = inferredBatch(rows: 500, from: 1)
        let bytes = try write([batch], options: AvroWriteOptions(blockRecords: 1000, blockBytes: 512))
        let read = try await fastavroRead(bytes)
        #expect(read.rows.count == 500)
        let decoded = try decodeAvro(bytes, chunkSize: 7)
        #expect(firstDifference(decoded.rows, expectedInferred([batch])) == nil)
        #expect(decoded.chunks.count == 1)
        // Two files get different markers.
        let again = try write([batch], options: AvroWriteOptions(blockRecords: 1000, blockBytes: 512))
        #expect(again.suffix(16) != bytes.suffix(16))
    }
}
