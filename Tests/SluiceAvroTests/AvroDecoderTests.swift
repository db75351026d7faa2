import SluiceAvro
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

/// Differential tests of the reader against fastavro, on files fastavro writes with every
/// type, logical type, codec and union shape.
@Suite struct AvroDecoderTests {
    /// Writes the all-types file with `codec`, `count` records, blocks of about `interval` bytes.
    private func allTypesFile(_ dir: TemporaryDirectory, codec: String, count: Int = 300, interval: Int = 600) async throws -> String {
        let path = dir.file("all-\(codec).avro")
        _ = try await AvroOracle.run(AvroOracle.writeAllTypesScript, [path, codec, String(count), String(interval)])
        return path
    }

    @Test(arguments: ["null", "deflate", "snappy", "zstandard", "bzip2"])
    func readsEveryTypeAsFastavroDoes(codec: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try await allTypesFile(dir, codec: codec)
        let expected = try await AvroOracle.read(path)
        #expect(expected.codec == codec)
        let bytes = try readBytes(path)
        let decoded = try decodeAvro(bytes, options: DecodeOptions(batchSize: 64))
        let difference = firstDifference(decoded.rows, expected.rows)
        #expect(difference == nil)
        #expect(decoded.positions == Array(1...300))
        #expect(decoded.bytes == bytes.count)
        #expect(decoded.rejected.isEmpty)
        #expect(decoded.batchSizes == [64, 64, 64, 64, 44])
    }

    @Test(arguments: ["null", "deflate"])
    func chunkSizesGiveIdenticalResults(codec: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try await allTypesFile(dir, codec: codec, count: 120, interval: 300)
        let bytes = try readBytes(path)
        let whole = try decodeAvro(bytes, options: DecodeOptions(batchSize: 50))
        #expect(whole.rows.count == 120)
        for size in [1, 7, 4096] {
            let chunked = try decodeAvro(bytes, chunkSize: size, options: DecodeOptions(batchSize: 50))
            let difference = firstDifference(chunked.rows, whole.rows.map(comparable))
            #expect(difference == nil, "chunks of \(size)")
            #expect(chunked.positions == whole.positions, "chunks of \(size)")
            #expect(chunked.bytes == bytes.count, "chunks of \(size)")
            #expect(chunked.batchSizes == [50, 50, 20], "chunks of \(size)")
            #expect(chunked.schema == whole.schema, "chunks of \(size)")
        }
    }

    @Test func declaredSchemaOfEveryType() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try await allTypesFile(dir, codec: "null", count: 3)
        let decoded = try decodeAvro(try readBytes(path))
        func field(_ name: String, _ type: LogicalType, _ nullable: Bool = false) -> FieldSchema {
            FieldSchema(name: name, type: type, nullable: nullable)
        }
        let uint32 = LogicalType.integer(bits: 32, signed: false)
        let inner = LogicalType.structure(fields: [
            field("x", .integer(bits: 32, signed: true)),
            field("tags", .list(element: field("element", .string))),
            field("when", .timestamp(unit: .micros, utc: true), true),
        ])
        let colors = LogicalType.enumeration(symbols: ["RED", "GREEN", "BLUE"])
        let expected: [FieldSchema] = [
            field("b", .boolean),
            field("i", .integer(bits: 32, signed: true)),
            field("l", .integer(bits: 64, signed: true)),
            field("f", .float(bits: 32)),
            field("d", .float(bits: 64)),
            field("s", .string),
            field("by", .binary),
            field("n", .json, true),
            field("ni", .integer(bits: 32, signed: true), true),
            field("ls", .integer(bits: 64, signed: true), true),
            field("ns", .string, true),
            field("nd", .float(bits: 64), true),
            field("multi", .json, true),
            field("e", colors),
            field("ne", colors, true),
            field("fx", .fixedBinary(length: 4)),
            field("dec", .decimal(precision: 20, scale: 4)),
            field("decbig", .decimal(precision: 38, scale: 9)),
            field("decfx", .decimal(precision: 20, scale: 2)),
            field("dec0", .decimal(precision: 30, scale: 0)),
            field("u", .uuid),
            field("uf", .uuid),
            field("dt", .date),
            field("tms", .time(unit: .millis)),
            field("tus", .time(unit: .micros)),
            field("tsm", .timestamp(unit: .millis, utc: true)),
            field("tsu", .timestamp(unit: .micros, utc: true)),
            field("tsn", .timestamp(unit: .nanos, utc: true)),
            field("ltm", .timestamp(unit: .millis, utc: false)),
            field("ltu", .timestamp(unit: .micros, utc: false)),
            field("ltn", .timestamp(unit: .nanos, utc: false)),
            field("dur", .structure(fields: [field("months", uint32), field("days", uint32), field("milliseconds", uint32)])),
            field("unk", .integer(bits: 64, signed: true)),
            field("arr", .list(element: field("element", .integer(bits: 64, signed: true)))),
            field("arrn", .list(element: field("element", .string, true))),
            field("mp", .map(key: field("key", .string), value: field("value", .float(bits: 64)))),
            field("nested", inner),
            field("nestedn", inner, true),
            field("list", .structure(fields: [field("v", .integer(bits: 64, signed: true)), field("next", .json, true)]), true),
            field("mrec", .map(key: field("key", .string), value: field("value", .list(element: field("element", inner))))),
        ]
        let schema = try #require(decoded.schema)
        #expect(schema.count == expected.count)
        for (got, want) in zip(schema, expected) { #expect(got == want, "field \(want.name)") }
    }

    @Test func flatPrimitivesLandInTypedColumns() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try await allTypesFile(dir, codec: "null", count: 40)
        let decoded = try decodeAvro(try readBytes(path))
        let batch = try #require(decoded.chunks.first?.batch)
        func kind(_ name: String) -> String {
            switch batch.column(named: name)?.storage {
            case .ints?: return "ints"
            case .doubles?: return "doubles"
            case .bools?: return "bools"
            case .text?: return "text"
            case .dictionary?: return "dictionary"
            case .values?: return "values"
            case nil: return "missing"
            }
        }
        #expect(kind("b") == "bools")
        #expect(kind("i") == "ints")
        #expect(kind("l") == "ints")
        #expect(kind("f") == "doubles")
        #expect(kind("d") == "doubles")
        #expect(kind("s") == "text")
        #expect(kind("by") == "text")
        #expect(kind("ni") == "ints")
        #expect(kind("ls") == "ints")
        #expect(kind("ns") == "text")
        #expect(kind("nd") == "doubles")
        #expect(kind("e") == "text")
        #expect(kind("ne") == "text")
        #expect(kind("fx") == "text")
        #expect(kind("u") == "text")
        #expect(kind("tms") == "text")
        #expect(kind("tsu") == "values")
        #expect(kind("nested") == "values")
        #expect(batch.column(named: "ni")?.presence != nil)
    }

    @Test func projectionBuildsOnlyTheNamedFields() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try await allTypesFile(dir, codec: "deflate", count: 200, interval: 500)
        let expected = try await AvroOracle.read(path)
        var options = DecodeOptions(batchSize: 1000)
        let wanted: Set<String> = ["s", "ltn", "mrec", "multi", "not-in-the-file"]
        options.projection = wanted
        let bytes = try readBytes(path)
        let decoded = try decodeAvro(bytes, options: options)
        #expect(decoded.chunks.first?.batch.fields == ["s", "multi", "ltn", "mrec"])
        let projected = expected.rows.map { row -> Value in
            guard case .object(let object) = row else { return row }
            return .object(ValueObject(object.pairs.filter { wanted.contains($0.0) }))
        }
        let difference = firstDifference(decoded.rows, projected)
        #expect(difference == nil)
        #expect(decoded.bytes == bytes.count)
        #expect(decoded.schema?.count == 40)
    }

    @Test func schemaThatIsNotARecordGivesOneValueField() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("longs.avro")
        let script = #"""
import fastavro, sys
fastavro.writer(open(sys.argv[1], "wb"), fastavro.parse_schema({"type": "array", "items": ["null", "long"]}),
                [[1, None, -3], [], [2**62]], sync_interval=10)
"""#
        _ = try await Python.run(script, arguments: [path])
        let decoded = try decodeAvro(try readBytes(path))
        #expect(decoded.schema == [FieldSchema(name: "value", type: .list(element: FieldSchema(name: "element", type: .integer(bits: 64, signed: true), nullable: true)), nullable: false)])
        #expect(decoded.rows == [["value": [1, nil, -3]], ["value": []], ["value": [.int(1 << 62)]]])
        #expect(firstDifference(decoded.rows, try await AvroOracle.read(path).rows) == nil)
    }

    @Test func fileWithoutRecordsYieldsItsSchemaAndBytes() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try await allTypesFile(dir, codec: "snappy", count: 0)
        let bytes = try readBytes(path)
        let decoded = try decodeAvro(bytes)
        #expect(decoded.rows.isEmpty)
        #expect(decoded.schema?.count == 40)
        #expect(decoded.bytes == bytes.count)
        #expect(decoded.chunks.count == 1)
        #expect(decoded.chunks.first?.batch.fields.count == 40)
    }

    @Test func decimalsFollowTheConvention() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("decimals.avro")
        let script = #"""
import fastavro, sys, decimal
D = decimal.Decimal
schema = {"type": "record", "name": "R", "fields": [
    {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 60, "scale": 6}},
    {"name": "f", "type": {"type": "fixed", "name": "F", "size": 3, "logicalType": "decimal", "precision": 6, "scale": 2}}]}
values = ["0", "1", "-1", "12.5", "0.1", "-0.000001", "123456789012.000000", "9223372036854775807", "-9223372036854775808",
          "9223372036854775808", "12345678901234567.890123", "100000000000000000000000000000000000000000000000000000",
          "-99999999999999999999999999999999999999999999999999999.999999", "0.300000", "3.14159"]
fastavro.writer(open(sys.argv[1], "wb"), fastavro.parse_schema(schema),
                [{"d": D(v), "f": D(["0", "-0.01", "1.5", "-8388.08", "8388.07"][k % 5])} for k, v in enumerate(values)])
"""#
        _ = try await Python.run(script, arguments: [path])
        let decoded = try decodeAvro(try readBytes(path))
        let column = decoded.rows.map { $0.objectValue?["d"] ?? .null }
        #expect(column == [
            0, 1, -1, 12.5, 0.1, -0.000001, .int(123_456_789_012), .int(Int.max), .int(Int.min),
            "9223372036854775808.000000", "12345678901234567.890123", .double(1e53),
            "-99999999999999999999999999999999999999999999999999999.999999", 0.3, 3.14159,
        ])
        #expect(decoded.rows.map { $0.objectValue?["f"] ?? .null } == [0, -0.01, 1.5, -8388.08, 8388.07, 0, -0.01, 1.5, -8388.08, 8388.07, 0, -0.01, 1.5, -8388.08, 8388.07])
        #expect(firstDifference(decoded.rows, try await AvroOracle.read(path).rows) == nil)
    }
}
