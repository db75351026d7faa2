import SluiceCore
import SluiceFormats
import Testing

@testable import SluiceParquet

/// Declared lists, structs and maps written as nested Parquet columns and read back whole.
@Suite struct NestedShredderTests {
    static func field(_ name: String, _ type: LogicalType, nullable: Bool = true) -> FieldSchema {
        FieldSchema(name: name, type: type, nullable: nullable)
    }

    static let int64 = LogicalType.integer(bits: 64, signed: true)

    static func object(_ value: Value) -> ValueObject { value.objectValue ?? ValueObject() }

    @Test(arguments: [true, false])
    func listsStructsAndMaps(dictionary: Bool) async throws {
        let hints: [String: FieldSchema] = [
            "items": Self.field("items", .list(element: Self.field("element", Self.int64))),
            "point": Self.field(
                "point", .structure(fields: [Self.field("x", .float(bits: 64)), Self.field("y", .float(bits: 64)), Self.field("label", .string)])),
            "attrs": Self.field("attrs", .map(key: Self.field("key", .string), value: Self.field("value", Self.int64))),
            "people": Self.field(
                "people",
                .list(
                    element: Self.field(
                        "element",
                        .structure(fields: [Self.field("name", .string), Self.field("tags", .list(element: Self.field("element", .string)))])))),
            "strict": Self.field(
                "strict", .list(element: Self.field("element", .integer(bits: 32, signed: true), nullable: false)), nullable: false),
            "when": Self.field("when", .structure(fields: [Self.field("at", .timestamp(unit: .millis, utc: true)), Self.field("price", .decimal(precision: 9, scale: 2))])),
        ]
        let t = Timestamp(iso8601: "2024-05-06T07:08:09.123Z")!
        let values: [Value] = [
            ["items": [1, 2, 3], "point": ["x": 1, "y": 2.5, "label": "a"], "attrs": ["a": 1, "b": .null],
             "people": [["name": "n1", "tags": ["x", "y"]], ["name": "n2", "tags": []]], "strict": [7], "when": ["at": .timestamp(t), "price": "12.50"]],
            ["items": [], "point": .null, "attrs": [:], "people": [], "strict": [], "when": .null],
            ["items": .null, "point": ["x": 3, "y": 4], "attrs": .null, "people": .null, "strict": [1, 2]],
            ["items": [.null, 4], "point": ["x": -1, "y": 0, "label": .null], "attrs": [["key": "k", "value": 5]],
             "people": [["name": .null, "tags": .null], .null], "strict": [-3], "when": ["at": .null, "price": 0.5]],
        ]
        let batch = RecordBatch(records: values.compactMap(\.objectValue))
        let options = ParquetWriteOptions(compression: .none, dictionary: dictionary, fieldSchemas: hints)
        let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([batch], options: options), kinds: ["attrs": "map"])
        let millis = Int(t.microseconds)
        ParquetWriterOracle.expectColumns(
            result,
            [
                ("items", [[1, 2, 3], [], .null, [.null, 4]]),
                ("point", [["x": 1, "y": 2.5, "label": "a"], .null, ["x": 3, "y": 4, "label": .null], ["x": -1, "y": 0, "label": .null]]),
                ("attrs", [["a": 1, "b": .null], [:], .null, ["k": 5]]),
                ("people", [[["name": "n1", "tags": ["x", "y"]], ["name": "n2", "tags": []]], [], .null, [["name": .null, "tags": .null], .null]]),
                ("strict", [[7], [], [1, 2], [-3]]),
                ("when", [["at": .int(millis), "price": "12.50"], .null, .null, ["at": .null, "price": "0.50"]]),
            ])
        let schema = try #require(ParquetWriterOracle.meta(result, "arrow_schema")?.objectValue)
        #expect(schema["items"] == "list<element: int64>")
        #expect(schema["point"] == "struct<x: double, y: double, label: string>")
        // pyarrow names a map's entries after the field when the file has no Arrow schema
        // (its own files read back the same way).
        #expect(schema["attrs"] == "map<string, int64 ('attrs')>")
        #expect(schema["people"] == "list<element: struct<name: string, tags: list<element: string>>>")
        #expect(schema["strict"] == "list<element: int32 not null>")
        #expect(schema["when"] == "struct<at: timestamp[ms, tz=UTC], price: decimal128(9, 2)>")
    }

    @Test func manyRecordsAcrossPagesAndRowGroups() async throws {
        // Lists of random lengths (empty, null, null elements) in pages of a few hundred bytes:
        // every page must end on a record boundary.
        var generator = SystemRandomNumberGenerator()
        var records: [ValueObject] = []
        var expected: [Value] = []
        var expectedNames: [Value] = []
        for i in 0..<4000 {
            let roll = Int.random(in: 0..<10, using: &generator)
            if roll == 0 {
                records.append(Self.object(["n": .null, "s": .null]))
                expected.append(.null)
                expectedNames.append(.null)
                continue
            }
            let items: [Value] = (0..<Int.random(in: 0..<6, using: &generator)).map { j in
                Int.random(in: 0..<8, using: &generator) == 0 ? .null : .int(i * 10 + j)
            }
            let names: [Value] = (0..<Int.random(in: 0..<3, using: &generator)).map { _ in .string("w\(Int.random(in: 0..<5, using: &generator))") }
            records.append(Self.object(["n": .array(items), "s": ["names": .array(names)]]))
            expected.append(.array(items))
            expectedNames.append(["names": .array(names)])
        }
        let batch = RecordBatch(records: records)
        let hints = [
            "n": Self.field("n", .list(element: Self.field("element", Self.int64))),
            "s": Self.field("s", .structure(fields: [Self.field("names", .list(element: Self.field("element", .string)))])),
        ]
        for dictionary in [true, false] {
            let options = ParquetWriteOptions(rowGroupSize: 700, pageSize: 300, compression: .none, dictionary: dictionary, fieldSchemas: hints)
            let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([batch], options: options))
            ParquetWriterOracle.expectColumns(result, [("n", expected), ("s", expectedNames)])
        }
    }

    @Test func valuesThatDoNotFit() {
        let hints: [String: FieldSchema] = [
            "l": Self.field("l", .list(element: Self.field("element", Self.int64, nullable: false))),
            "s": Self.field("s", .structure(fields: [Self.field("a", Self.int64)])),
            "m": Self.field("m", .map(key: Self.field("key", Self.int64), value: Self.field("value", .string))),
        ]
        let cases: [(String, Value, String)] = [
            ("l", "text", "Parquet: record 1, field \"l\" (list<int64>): a string does not fit"),
            ("l", [1, "x"], "Parquet: record 1, field \"l.list.element\" (int64): a string does not fit"),
            ("l", [1, .null], "Parquet: record 1, field \"l.list.element\": null in a field declared not nullable"),
            ("s", ["a": 1, "b": 2], "Parquet: record 1, field \"s\" (struct<a: int64>): the member \"b\" is not declared"),
            ("s", [1], "Parquet: record 1, field \"s\" (struct<a: int64>): an array does not fit"),
            ("m", ["k": "v"], "Parquet: record 1, field \"m.key_value.key\" (int64): a string does not fit"),
            ("m", [1], "Parquet: record 1, field \"m\" (map<int64, string>): a map entry that is not a {\"key\", \"value\"} object does not fit"),
        ]
        for (field, value, message) in cases {
            let batch = RecordBatch(fields: [field], columns: [Column(values: [value])], positions: [1])
            #expect(throws: FormatError(message), "\(field) ← \(value)") {
                _ = try ParquetWriterOracle.encode([batch], options: ParquetWriteOptions(compression: .none, fieldSchemas: hints))
            }
        }
    }

    @Test func levels() throws {
        // list<struct<a: int64>>: definition levels 0 (null list), 1 (empty), 2 (null element),
        // 3 (null member), 4 (value); repetition 1 for later elements.
        let element = Self.field("element", .structure(fields: [Self.field("a", Self.int64)]))
        let node = try ParquetNode.declared(Self.field("l", .list(element: element)), path: ["l"], definition: 0, repetition: 0)
        var shredder = NestedShredder(root: node, capacity: 4)
        for (i, value) in ([.null, [], [.null, ["a": .null], ["a": 5]], [["a": 6]]] as [Value]).enumerated() {
            try shredder.append(value, position: i + 1)
        }
        let levels = shredder.levels(0)
        #expect(levels.maxDefinition == 4 && levels.maxRepetition == 1)
        #expect(levels.definition == [0, 1, 2, 3, 4, 4])
        #expect(levels.repetition == [0, 0, 0, 1, 1, 0])
        #expect(shredder.values[0].int64s == [5, 6])
        #expect(shredder.values[0].plan.path == ["l", "list", "element", "a"])
    }
}
