import SluiceCore
import SluiceFormats
import Testing

@testable import SluiceParquet

/// Files from the writer read back by Sluice's own reader (``ParquetFileReader``): the
/// declared types come back, and so do the values, in Sluice's conventions (a decimal as an
/// int, a double or its exact text; a date as a timestamp; a time as `HH:MM:SS[.ffffff]`).
@Suite struct ParquetRoundTripTests {
    static func readBack(_ bytes: [UInt8]) throws -> (schema: [FieldSchema]?, batch: RecordBatch) {
        let reader = try ParquetFileReader(input: MemoryInput(name: "written.parquet", bytes: bytes), options: DecodeOptions())
        var batches: [RecordBatch] = []
        while let chunk = try reader.next() {
            #expect(chunk.rejected.isEmpty)
            batches.append(chunk.batch)
        }
        return (reader.declaredSchema, RecordBatch.concatenate(batches))
    }

    static func t(_ text: String) -> Value { ParquetSchemaInferenceTests.timestamp(text) }

    /// What the reader gives back for each declared case, where it is not the value written.
    static let readBackValues: [String: [Value]] = [
        "dec": [12.5, 0.01, -99999999.99, 7, 123.4, .null, -0.5, 0.01],
        "dec_wide": ["1234567890123456789012345.12345", -1e-05, .int(Int.min), 0.1, .null, "-99999999999999999999999.99999"],
        "day": [t("2024-02-29"), t("1900-01-01"), t("2000-01-01"), .null],
        "id": ["123e4567-e89b-12d3-a456-426614174000", "ffffffff-0000-4000-8000-00000000000a", .null],
        "ts_local": [t("2001-02-03T04:05:06.000007Z"), t("2001-02-03T04:05:06Z")],
        "t_ms": ["12:34:56.789000", "00:00:00", "23:59:00"],
    ]

    /// The declared types the reader reports where they differ from the ones written.
    static let readBackTypes: [String: LogicalType] = [
        "color": .string, "empty_struct": .json,
    ]

    @Test(arguments: ParquetSchemaInferenceTests.cases.map(\.name))
    func declaredTypes(_ name: String) throws {
        let c = try #require(ParquetSchemaInferenceTests.cases.first { $0.name == name })
        let batch = RecordBatch(fields: [c.name], columns: [c.column], positions: Array(1...c.column.count))
        let hint = FieldSchema(name: c.name, type: c.type, nullable: c.nullable)
        for dictionary in [true, false] {
            let options = ParquetWriteOptions(dictionary: dictionary, fieldSchemas: [c.name: hint])
            let (schema, read) = try Self.readBack(try ParquetWriterOracle.encode([batch], options: options))
            #expect(schema == [FieldSchema(name: c.name, type: Self.readBackTypes[name] ?? c.type, nullable: c.nullable)])
            let written = (0..<c.column.count).map { c.column.value(at: $0) }
            let got = (0..<read.count).map { read.value(row: $0, column: 0) }
            if let difference = ParquetWriterOracle.firstDifference(got, Self.readBackValues[name] ?? written) {
                Issue.record("\(name): \(difference)")
            }
        }
    }

    @Test func inferredAndNestedFields() throws {
        let t1 = Timestamp(iso8601: "2024-05-06T07:08:09.123456Z")!
        let items = LogicalType.list(element: FieldSchema(name: "element", type: .integer(bits: 64, signed: true)))
        let point = LogicalType.structure(fields: [
            FieldSchema(name: "x", type: .float(bits: 64)), FieldSchema(name: "price", type: .decimal(precision: 9, scale: 2)),
        ])
        let attrs = LogicalType.map(key: FieldSchema(name: "key", type: .string, nullable: false), value: FieldSchema(name: "value", type: .boolean))
        let values: [Value] = [
            ["n": 1, "d": 1.5, "s": "a", "b": true, "at": .timestamp(t1), "j": [1, ["k": "v"]],
             "items": [1, .null, 3], "point": ["x": 1.5, "price": "12.50"], "attrs": ["a": true, "b": .null]],
            ["n": .null, "d": 2, "s": .null, "b": .null, "at": .null, "j": .null, "items": [], "point": .null, "attrs": [:]],
            ["n": -5, "d": .null, "s": "", "b": false, "items": .null, "point": ["x": .null, "price": 0.5]],
        ]
        let batch = RecordBatch(records: values.compactMap(\.objectValue))
        let hints = [
            "items": FieldSchema(name: "items", type: items), "point": FieldSchema(name: "point", type: point),
            "attrs": FieldSchema(name: "attrs", type: attrs),
        ]
        let options = ParquetWriteOptions(rowGroupSize: 2, fieldSchemas: hints)
        let (schema, read) = try Self.readBack(try ParquetWriterOracle.encode([batch], options: options))
        #expect(schema?.map(\.name) == ["n", "d", "s", "b", "at", "j", "items", "point", "attrs"])
        #expect(schema?.map(\.type) == [
            .integer(bits: 64, signed: true), .float(bits: 64), .string, .boolean, .timestamp(unit: .micros, utc: true), .json,
            items, point, .map(key: FieldSchema(name: "key", type: .string, nullable: false), value: FieldSchema(name: "value", type: .boolean)),
        ])
        let expected: [[Value]] = [
            [1, 1.5, "a", true, .timestamp(t1), [1, ["k": "v"]], [1, .null, 3], ["x": 1.5, "price": 12.5], ["a": true, "b": .null]],
            [.null, 2.0, .null, .null, .null, .null, [], .null, [:]],
            [-5, .null, "", false, .null, .null, .null, ["x": .null, "price": 0.5], .null],
        ]
        #expect(read.count == 3)
        for (row, values) in expected.enumerated() where row < read.count {
            for (column, value) in values.enumerated() {
                #expect(read.value(row: row, column: column) == value, "row \(row), \(read.fields[column])")
            }
        }
    }
}
