import SluiceCore
import SluiceFormats
import SluiceParquet
import SluiceTestSupport
import Testing

/// Files in layouts of older writers, made by hand (``ParquetCraft``): the LIST
/// backward-compatibility rules, unannotated repeated fields, converted types without logical
/// types, MAP_KEY_VALUE and BIT_PACKED levels. Expected values are written out by hand
/// (pyarrow reads BIT_PACKED levels least significant bit first, against the format's
/// specification, so it cannot be the oracle here).
@Suite struct ParquetLegacyLayoutTests {
    /// The directory of the files, written once by the first test that awaits it (a task, so
    /// that writing them blocks no thread while other tests wait for them).
    static let files = Task<String, any Error> {
        let directory = try TemporaryDirectory(prefix: "sluice-parquet-legacy")
        _ = try await Python.run(ParquetCraft.script, arguments: [directory.path])
        return directory.path
    }

    private func object(_ pairs: (String, Value)...) -> Value { .object(ValueObject(pairs)) }

    @Test func twoLevelListsFollowTheBackwardCompatibilityRules() async throws {
        let read = try ParquetFixtures.read(path: try await Self.files.value + "/legacy_lists.parquet")
        #expect(read.fields == ["a", "b", "c", "d", "e", "f"])
        let expected: [[Value]] = [
            [[1, 2], [object(("s", "x"))], [object(("x", 1))], [object(("x", 1), ("y", 2))], [5, 6], [[1], [2, 3]]],
            [nil, [], nil, [], [], []],
            [[], [object(("s", "y")), object(("s", "z"))], [], nil, [7], [[]]],
        ]
        ParquetFixtures.expectSame(read, ParquetExpectation(name: "legacy_lists", fields: read.fields, rows: expected))
        let types = Dictionary(uniqueKeysWithValues: (read.schema ?? []).map { ($0.name, $0) })
        let int32 = LogicalType.integer(bits: 32, signed: true)
        #expect(types["a"]?.type == .list(element: FieldSchema(name: "element", type: int32, nullable: false)))
        #expect(types["a"]?.nullable == true)
        #expect(
            types["b"]?.type == .list(element: FieldSchema(name: "element", type: .structure(fields: [FieldSchema(name: "s", type: .string, nullable: false)]), nullable: false)))
        #expect(types["b"]?.nullable == false)
        #expect(
            types["d"]?.type
                == .list(
                    element: FieldSchema(
                        name: "element",
                        type: .structure(fields: [FieldSchema(name: "x", type: int32, nullable: false), FieldSchema(name: "y", type: int32, nullable: false)]),
                        nullable: false)))
        #expect(types["e"] == FieldSchema(name: "e", type: .list(element: FieldSchema(name: "element", type: .integer(bits: 64, signed: true), nullable: false)), nullable: false))
        #expect(
            types["f"]?.type
                == .list(element: FieldSchema(name: "element", type: .list(element: FieldSchema(name: "element", type: int32, nullable: false)), nullable: false)))
    }

    @Test func convertedTypesMapKeyValueAndBitPackedLevels() async throws {
        let read = try ParquetFixtures.read(path: try await Self.files.value + "/legacy_types.parquet")
        #expect(read.fields == ["ts", "s", "dec", "iv", "u", "en", "t", "m"])
        let expected: [[Value]] = [
            [.timestamp(Timestamp(microseconds: 1_500_000_000_123_000)), "héllo", 123.45, "AAECAwQFBgcICQoL", 65535, nil, "00:00:00", object(("k1", 10), ("k2", nil))],
            [nil, "", -1, nil, 0, "B", "12:34:56.789000", nil],
            [.timestamp(Timestamp(microseconds: -1000)), nil, 0.07, nil, 300, "C", "23:59:59.999000", object()],
        ]
        ParquetFixtures.expectSame(read, ParquetExpectation(name: "legacy_types", fields: read.fields, rows: expected))
        let types = Dictionary(uniqueKeysWithValues: (read.schema ?? []).map { ($0.name, $0.type) })
        #expect(types["ts"] == .timestamp(unit: .millis, utc: true))
        #expect(types["s"] == .string)
        #expect(types["dec"] == .decimal(precision: 9, scale: 2))
        #expect(types["iv"] == .fixedBinary(length: 12))
        #expect(types["u"] == .integer(bits: 16, signed: false))
        #expect(types["en"] == .enumeration(symbols: []))
        #expect(types["t"] == .time(unit: .millis))
        #expect(
            types["m"] == .map(key: FieldSchema(name: "key", type: .string, nullable: false), value: FieldSchema(name: "value", type: .integer(bits: 32, signed: true))))
    }
}
