import SluiceCore
import SluiceFormats
import Testing

@testable import SluiceParquet

/// Declared types (``ParquetWriteOptions/fieldSchemas``) kept in the file: pyarrow must report
/// them, and every oracle must read the exact values back.
@Suite struct ParquetSchemaInferenceTests {
    static func micros(_ text: String) -> Value {
        guard let t = Timestamp(iso8601: text) else { return .null }
        return .int(Int(t.microseconds))
    }

    static func days(_ text: String) -> Value {
        guard let t = Timestamp(iso8601: text) else { return .null }
        return .int(Int(t.microseconds / 86_400_000_000))
    }

    static func timestamp(_ text: String) -> Value {
        guard let t = Timestamp(iso8601: text) else { return .null }
        return .timestamp(t)
    }

    /// One declared column: its type, the values written and what the oracles must read.
    struct Case {
        var name: String
        var type: LogicalType
        var nullable = true
        var column: Column
        var expected: [Value]
        var arrowType: String
        var physical: String
        var kind: String?
    }

    static let cases: [Case] = [
        Case(
            name: "dec", type: .decimal(precision: 12, scale: 2),
            column: Column(values: [12.5, 0.01, -99999999.99, 7, "123.40", .null, "-0.5", 1e-2]),
            expected: ["12.50", "0.01", "-99999999.99", "7.00", "123.40", .null, "-0.50", "0.01"],
            arrowType: "decimal128(12, 2)", physical: "INT64"),
        Case(
            name: "dec_typed", type: .decimal(precision: 7, scale: 3),
            column: Column(storage: .doubles([1.234, -0.5, 9999.999, 0.1, 0])),
            expected: ["1.234", "-0.500", "9999.999", "0.100", "0.000"],
            arrowType: "decimal128(7, 3)", physical: "INT32"),
        Case(
            name: "dec_wide", type: .decimal(precision: 30, scale: 5),
            column: Column(values: ["1234567890123456789012345.12345", "-0.00001", .int(Int.min), 0.1, .null, "-99999999999999999999999.99999"]),
            expected: [
                "1234567890123456789012345.12345", "-0.00001", "-9223372036854775808.00000", "0.10000", .null,
                "-99999999999999999999999.99999",
            ],
            arrowType: "decimal128(30, 5)", physical: "FIXED_LEN_BYTE_ARRAY"),
        Case(
            name: "day", type: .date,
            column: Column(values: [timestamp("2024-02-29"), timestamp("1900-01-01"), "2000-01-01", .null]),
            expected: [days("2024-02-29"), days("1900-01-01"), days("2000-01-01"), .null],
            arrowType: "date32[day]", physical: "INT32"),
        Case(
            name: "i8", type: .integer(bits: 8, signed: true), column: Column(storage: .ints([127, -128, 0, 5, 1])),
            expected: [127, -128, 0, 5, 1], arrowType: "int8", physical: "INT32"),
        Case(
            name: "i16", type: .integer(bits: 16, signed: true), column: Column(values: [32767, -32768, .null]),
            expected: [32767, -32768, .null], arrowType: "int16", physical: "INT32"),
        Case(
            name: "i32", type: .integer(bits: 32, signed: true), column: Column(values: [2_147_483_647, -2_147_483_648]),
            expected: [2_147_483_647, -2_147_483_648], arrowType: "int32", physical: "INT32"),
        Case(
            name: "u8", type: .integer(bits: 8, signed: false), column: Column(values: [255, 0]),
            expected: [255, 0], arrowType: "uint8", physical: "INT32"),
        Case(
            name: "u32", type: .integer(bits: 32, signed: false), column: Column(values: [4_294_967_295, 1]),
            expected: [4_294_967_295, 1], arrowType: "uint32", physical: "INT32"),
        Case(
            name: "u64", type: .integer(bits: 64, signed: false),
            column: Column(values: [5, "18446744073709551615", .int(Int.max)]),
            expected: [5, "18446744073709551615", .int(Int.max)], arrowType: "uint64", physical: "INT64"),
        Case(
            name: "f32", type: .float(bits: 32), column: Column(values: [1.5, -2.25, 3, .null]),
            expected: [1.5, -2.25, 3.0, .null], arrowType: "float", physical: "FLOAT"),
        Case(
            name: "id", type: .uuid,
            column: Column(values: ["123e4567-e89b-12d3-a456-426614174000", "FFFFFFFF-0000-4000-8000-00000000000A", .null]),
            expected: ["123e4567-e89b-12d3-a456-426614174000", "ffffffff-0000-4000-8000-00000000000a", .null],
            arrowType: "extension<arrow.uuid>", physical: "FIXED_LEN_BYTE_ARRAY", kind: "uuid"),
        Case(
            name: "bin", type: .binary, column: Column(values: ["AAEC/w==", "", "aGVsbG8=", .null]),
            expected: ["AAEC/w==", "", "aGVsbG8=", .null], arrowType: "binary", physical: "BYTE_ARRAY"),
        Case(
            name: "fix", type: .fixedBinary(length: 3), column: Column(values: ["AQID", "////"]),
            expected: ["AQID", "////"], arrowType: "fixed_size_binary[3]", physical: "FIXED_LEN_BYTE_ARRAY"),
        Case(
            name: "ts_ms", type: .timestamp(unit: .millis, utc: true),
            column: Column(values: [timestamp("2024-01-02T03:04:05.678Z"), timestamp("1960-06-01T00:00:00Z")]),
            expected: [micros("2024-01-02T03:04:05.678Z"), micros("1960-06-01T00:00:00Z")],
            arrowType: "timestamp[ms, tz=UTC]", physical: "INT64"),
        Case(
            name: "ts_ns", type: .timestamp(unit: .nanos, utc: false),
            column: Column(values: [timestamp("2024-01-02T03:04:05.678901Z"), .null]),
            expected: [micros("2024-01-02T03:04:05.678901Z"), .null], arrowType: "timestamp[ns]", physical: "INT64"),
        Case(
            name: "ts_local", type: .timestamp(unit: .micros, utc: false),
            column: Column(values: [timestamp("2001-02-03T04:05:06.000007Z"), "2001-02-03T04:05:06Z"]),
            expected: [micros("2001-02-03T04:05:06.000007Z"), micros("2001-02-03T04:05:06Z")], arrowType: "timestamp[us]",
            physical: "INT64"),
        Case(
            name: "t_ms", type: .time(unit: .millis), column: Column(values: ["12:34:56.789", "00:00:00", "23:59"]),
            expected: [.int(45_296_789_000), 0, .int(86_340_000_000)], arrowType: "time32[ms]", physical: "INT32"),
        Case(
            name: "t_us", type: .time(unit: .micros), column: Column(values: ["23:59:59.999999", .null]),
            expected: [.int(86_399_999_999), .null], arrowType: "time64[us]", physical: "INT64"),
        Case(
            name: "t_ns", type: .time(unit: .nanos), column: Column(values: ["01:02:03.000004"]),
            expected: [.int(3_723_000_004)], arrowType: "time64[ns]", physical: "INT64"),
        Case(
            name: "doc", type: .json, column: Column(values: [["a": [1, 2]], [1, "x"], "s", 3, .null]),
            expected: [["a": [1, 2]], [1, "x"], "s", 3, .null], arrowType: "extension<arrow.json>", physical: "BYTE_ARRAY",
            kind: "json"),
        Case(
            name: "empty_struct", type: .structure(fields: []), column: Column(values: [["a": 1], .null]),
            expected: [["a": 1], .null], arrowType: "extension<arrow.json>", physical: "BYTE_ARRAY", kind: "json"),
        Case(
            name: "code", type: .string, nullable: false, column: Column(values: ["a", "b"]), expected: ["a", "b"],
            arrowType: "string", physical: "BYTE_ARRAY"),
        Case(
            name: "color", type: .enumeration(symbols: ["red", "green"]), column: Column(values: ["red", "green"]),
            expected: ["red", "green"], arrowType: "string", physical: "BYTE_ARRAY"),
    ]

    @Test(arguments: cases.map(\.name))
    func declaredTypeIsKept(_ name: String) async throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let batch = RecordBatch(fields: [c.name], columns: [c.column], positions: Array(1...c.column.count))
        let hints = [c.name: FieldSchema(name: c.name, type: c.type, nullable: c.nullable)]
        for dictionary in [true, false] {
            let options = ParquetWriteOptions(compression: .none, dictionary: dictionary, fieldSchemas: hints)
            let kinds = c.kind.map { [c.name: $0] } ?? [:]
            let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([batch], options: options), kinds: kinds)
            ParquetWriterOracle.expectColumns(result, [(c.name, c.expected)])
            #expect(ParquetWriterOracle.meta(result, "arrow_schema.\(c.name)") == .string(c.arrowType))
            #expect(ParquetWriterOracle.meta(result, "parquet_schema.\(c.name).physical") == .string(c.physical))
            #expect(ParquetWriterOracle.meta(result, "parquet_schema.\(c.name).optional") == .bool(c.nullable))
        }
    }

    @Test func decimalByteLengths() {
        // Arrow's table of the fewest bytes for each precision.
        let expected = [(1, 1), (2, 1), (3, 2), (4, 2), (9, 4), (10, 5), (18, 8), (19, 9), (38, 16), (39, 17), (76, 32)]
        for (precision, bytes) in expected {
            #expect(ParquetSchemaInference.decimalByteLength(precision: precision) == bytes, "precision \(precision)")
        }
    }

    @Test func declaredTypesThatCannotBeWritten() {
        for (type, why) in [
            (LogicalType.decimal(precision: 0, scale: 0), "the precision must be 1 to 76"),
            (.decimal(precision: 77, scale: 0), "the precision must be 1 to 76"),
            (.decimal(precision: 5, scale: 6), "the scale must be 0 to the precision"),
            (.integer(bits: 12, signed: true), "integers have 8, 16, 32 or 64 bits"),
            (.fixedBinary(length: 0), "the length must be 1 to 1048576 bytes"),
        ] {
            #expect(throws: FormatError("Parquet: field \"x\" is declared \(type.description), which cannot be written: \(why)")) {
                _ = try ParquetSchemaInference.declaredPlan(name: "x", hint: FieldSchema(name: "x", type: type))
            }
        }
    }

    @Test func inferenceFromKinds() throws {
        func kind(_ values: [Value]) throws -> ParquetColumnPlan.Kind {
            var census = ParquetSchemaInference.Census()
            ParquetSchemaInference.survey(Column(values: values), rows: 0..<values.count, into: &census)
            return try ParquetSchemaInference.plan(name: "f", census: census, hint: nil).kind
        }
        #expect(try kind([1, .null, 2]) == .int64)
        #expect(try kind([1, 2.5]) == .double)
        #expect(try kind([true, .null]) == .boolean)
        #expect(try kind([true, 1]) == .string)
        #expect(try kind([.timestamp(Timestamp(microseconds: 0))]) == .timestamp(unit: .micros, utc: true))
        #expect(try kind([.timestamp(Timestamp(microseconds: 0)), 1]) == .string)
        #expect(try kind(["a", 1]) == .string)
        #expect(try kind([[1], "a"]) == .json)
        #expect(try kind([.null]) == .string)
    }
}
