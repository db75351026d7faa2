import SluiceCore
import SluiceFormats
import Testing

@testable import SluiceParquet

/// Column chunk statistics as pyarrow reads them: min/max in TYPE_ORDER and null counts, per
/// row group, the same with and without dictionary encoding.
@Suite struct ColumnStatisticsTests {
    static func stat(_ result: Value, group: Int, column: String, _ key: String) -> Value? {
        result.value(atPath: "row_groups")?.arrayValue?[group].value(atPath: "columns.\(column).\(key)")
    }

    @Test(arguments: [true, false])
    func minMaxAndNullCounts(dictionary: Bool) async throws {
        let long = String(repeating: "z", count: 5000)
        // Two row groups of three rows.
        let batch = RecordBatch(
            fields: ["i", "d", "s", "b", "dec", "u", "day", "nan", "long", "none", "u64"],
            columns: [
                Column(values: [5, -7, .null, 3, 9, 0]),
                Column(values: [0.0, -0.0, 2.5, -1e10, .double(.nan), 1]),
                Column(values: ["b", "é", "Z", "a", .null, "ab"]),
                Column(values: [true, true, .null, false, .null, .null]),
                Column(values: ["-1.50", "0.25", "-0.01", "10", "-20.5", .null]),
                Column(values: [1, 4_294_967_295, 2, 7, .null, 0]),
                Column(values: ["2020-01-01", "1969-12-31", .null, .null, .null, .null]),
                Column(values: [.double(.nan), .double(.nan), .null, 0.0, .double(.nan), .null]),
                Column(values: ["a", .string(long), "b", "c", "d", "e"]),
                Column(values: [.null, .null, .null, .null, .null, .null]),
                Column(values: ["18446744073709551615", 1, 5, 9, .null, .null]),
            ],
            positions: Array(1...6))
        let options = ParquetWriteOptions(
            rowGroupSize: 3, compression: .none, dictionary: dictionary,
            fieldSchemas: [
                "dec": FieldSchema(name: "dec", type: .decimal(precision: 20, scale: 2)),
                "u": FieldSchema(name: "u", type: .integer(bits: 32, signed: false)),
                "day": FieldSchema(name: "day", type: .date),
                "u64": FieldSchema(name: "u64", type: .integer(bits: 64, signed: false)),
            ])
        let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([batch], options: options), engines: ["meta"])
        let expected: [(String, Int, Value?, Value?, Int)] = [
            ("i", 0, -7, 5, 1), ("i", 1, 0, 9, 0),
            ("d", 0, -0.0, 2.5, 0), ("d", 1, -1e10, 1, 0),
            ("s", 0, "Z", "é", 0), ("s", 1, "a", "ab", 1),
            ("b", 0, true, true, 1), ("b", 1, false, false, 2),
            ("dec", 0, "-1.50", "0.25", 0), ("dec", 1, "-20.50", "10.00", 1),
            ("u", 0, 1, .int(4_294_967_295), 0), ("u", 1, 0, 7, 1),
            ("day", 0, .int(-1), .int(18262), 1), ("day", 1, nil, nil, 3),
            ("nan", 0, nil, nil, 1), ("nan", 1, -0.0, 0.0, 1),
            ("long", 0, nil, nil, 0), ("long", 1, "c", "e", 0),
            ("none", 0, nil, nil, 3), ("none", 1, nil, nil, 3),
            ("u64", 0, 1, "18446744073709551615", 0), ("u64", 1, 9, 9, 2),
        ]
        for (column, group, min, max, nulls) in expected {
            let label = "\(column), row group \(group)"
            #expect(Self.stat(result, group: group, column: column, "null_count") == .int(nulls), "\(label)")
            #expect(Self.stat(result, group: group, column: column, "has_min_max") == .bool(min != nil), "\(label)")
            #expect(Self.stat(result, group: group, column: column, "min") == min, "\(label)")
            #expect(Self.stat(result, group: group, column: column, "max") == max, "\(label)")
        }
    }

    @Test func signedZeroesAreWrittenAsTheFormatAsks() throws {
        var chunk = ColumnChunkBuffer(plan: ParquetColumnPlan(name: "d", kind: .double, required: false), capacity: 2)
        try chunk.append(Column(storage: .doubles([0.0, 3])), rows: 0..<2, positions: [1, 2])
        let statistics = ColumnStatistics.of(chunk, nullCount: 0)
        #expect(statistics.minValue == withUnsafeBytes(of: (-0.0).bitPattern.littleEndian) { Array($0) })
        #expect(statistics.maxValue == withUnsafeBytes(of: (3.0).bitPattern.littleEndian) { Array($0) })
    }
}
