import SluiceCore
import SluiceFormats
import Testing

@testable import SluiceParquet

/// Files written from inferred types, read back by pyarrow, DuckDB and Polars.
@Suite struct ParquetEncoderTests {
    /// A batch of typed columns (the storage CSV produces) at positions from `firstPosition`.
    static func batch(_ columns: [(String, Column)], firstPosition: Int = 1) -> RecordBatch {
        let count = columns.first?.1.count ?? 0
        return RecordBatch(
            fields: columns.map(\.0), columns: columns.map(\.1), positions: Array(firstPosition..<(firstPosition + count)))
    }

    static func text(_ values: [String?]) -> Column {
        var builder = ColumnBuilder()
        for value in values {
            if let value { builder.appendString(value) } else { builder.appendNull() }
        }
        return builder.build()
    }

    @Test func inferredScalarTypes() async throws {
        let t1 = Timestamp(iso8601: "2024-02-29T12:34:56.789012Z")!
        let t2 = Timestamp(iso8601: "1969-12-31T23:59:59Z")!
        let batch = Self.batch([
            ("id", Column(storage: .ints([1, -2, Int.max, Int.min]))),
            ("price", Column(storage: .doubles([1.5, -0.25, 1e300, 0]))),
            ("flag", Column(storage: .bools([true, false, true, false]))),
            ("name", Self.text(["alpha", "", "ünïcødé ✓", "x"])),
            ("at", Column(values: [.timestamp(t1), .timestamp(t2), .null, .timestamp(Timestamp(microseconds: 0))])),
            ("mixed", Column(values: [1, 2.5, 3, .null])),
            ("tags", Column(values: [["a", 1], ["k": ["n": true]], .null, "plain"])),
            ("odd", Column(values: ["x", 1, true, .null])),
            ("empty", Column(values: [.null, .null, .null, .null])),
        ])
        let bytes = try ParquetWriterOracle.encode([batch], options: ParquetWriteOptions(compression: .none))
        let result = try await ParquetWriterOracle.read(bytes, kinds: ["tags": "json"])
        ParquetWriterOracle.expectColumns(
            result,
            [
                ("id", [1, -2, .int(Int.max), .int(Int.min)]),
                ("price", [1.5, -0.25, 1e300, 0]),
                ("flag", [true, false, true, false]),
                ("name", ["alpha", "", "ünïcødé ✓", "x"]),
                ("at", [.int(Int(t1.microseconds)), .int(Int(t2.microseconds)), .null, 0]),
                ("mixed", [1.0, 2.5, 3.0, .null]),
                ("tags", [["a", 1], ["k": ["n": true]], .null, "plain"]),
                ("odd", ["x", "1", "true", .null]),
                ("empty", [.null, .null, .null, .null]),
            ])
        let schema = try #require(ParquetWriterOracle.meta(result, "arrow_schema")?.objectValue)
        #expect(schema["id"] == "int64")
        #expect(schema["price"] == "double")
        #expect(schema["flag"] == "bool")
        #expect(schema["name"] == "string")
        #expect(schema["at"] == "timestamp[us, tz=UTC]")
        #expect(schema["mixed"] == "double")
        #expect(schema["tags"] == "extension<arrow.json>")
        #expect(schema["odd"] == "string")
        #expect(schema["empty"] == "string")
        #expect(ParquetWriterOracle.meta(result, "created_by") == "sluice")
        #expect(ParquetWriterOracle.meta(result, "parquet_schema.id.optional") == true)
    }

    @Test func nullPatternsAcrossPagesAndRowGroups() async throws {
        // 10,000 rows in row groups of 3,000 and pages of 1 KiB: nulls every third row, a long
        // null run, a column that is null in one whole row group, a column that is never null.
        let count = 10_000
        var ints = ColumnBuilder(), texts = ColumnBuilder(), sparse = ColumnBuilder(), dense = ColumnBuilder()
        var expectedInts: [Value] = [], expectedTexts: [Value] = [], expectedSparse: [Value] = [], expectedDense: [Value] = []
        for i in 0..<count {
            if i % 3 == 0 || (4000..<4500).contains(i) {
                ints.appendNull()
                expectedInts.append(.null)
            } else {
                ints.appendInt(i * 7 - 5000)
                expectedInts.append(.int(i * 7 - 5000))
            }
            if i % 5 == 1 {
                texts.appendNull()
                expectedTexts.append(.null)
            } else {
                texts.appendString("v\(i % 17)")
                expectedTexts.append(.string("v\(i % 17)"))
            }
            if (3000..<6000).contains(i) || i % 2 == 0 {
                sparse.appendNull()
                expectedSparse.append(.null)
            } else {
                sparse.appendDouble(Double(i) / 4)
                expectedSparse.append(.double(Double(i) / 4))
            }
            dense.appendString("row-\(i)")
            expectedDense.append(.string("row-\(i)"))
        }
        let full = Self.batch([("n", ints.build()), ("t", texts.build()), ("s", sparse.build()), ("d", dense.build())])
        // Batches of uneven sizes, so row groups start inside batches.
        var batches: [RecordBatch] = []
        var start = 0
        for size in [1, 999, 2500, 3001, 7, 3492] {
            batches.append(full.selecting(Array(start..<(start + size))))
            start += size
        }
        #expect(start == count)
        for dictionary in [true, false] {
            let options = ParquetWriteOptions(rowGroupSize: 3000, pageSize: 1024, compression: .none, dictionary: dictionary)
            let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode(batches, options: options))
            ParquetWriterOracle.expectColumns(
                result, [("n", expectedInts), ("t", expectedTexts), ("s", expectedSparse), ("d", expectedDense)])
            let groups = try #require(ParquetWriterOracle.meta(result, "row_groups")?.arrayValue)
            #expect(groups.map { $0.value(atPath: "num_rows") } == [3000, 3000, 3000, 1000])
            #expect(groups[1].value(atPath: "columns.s.null_count") == 3000)
            #expect(groups[1].value(atPath: "columns.s.has_min_max") == false)
            #expect(groups[0].value(atPath: "columns.t.has_dictionary") == .bool(dictionary))
            #expect(groups[0].value(atPath: "columns.d.has_dictionary") == false)
        }
    }

    @Test(arguments: ParquetWriteOptions.Compression.allCases)
    func everyCodec(_ compression: ParquetWriteOptions.Compression) async throws {
        let count = 20_000
        var ints = [Int](), doubles = [Double](), text = TextColumn()
        var expectedText: [Value] = []
        for i in 0..<count {
            ints.append(i % 1000 * 31)
            doubles.append(Double(i) * 0.5)
            let value = "value \(i % 300) " + String(repeating: "x", count: i % 7)
            text.append(value)
            expectedText.append(.string(value))
        }
        let batch = Self.batch([
            ("i", Column(storage: .ints(ints))), ("d", Column(storage: .doubles(doubles))), ("t", Column(storage: .text(text))),
        ])
        for level in [nil, 1] as [Int?] where level == nil || compression == .gzip || compression == .zstd {
            let options = ParquetWriteOptions(rowGroupSize: 8000, pageSize: 16 * 1024, compression: compression, level: level)
            let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([batch], options: options))
            ParquetWriterOracle.expectColumns(result, [("i", ints.map { .int($0) }), ("d", doubles.map { .double($0) }), ("t", expectedText)])
            let codec = ParquetWriterOracle.meta(result, "row_groups")?.arrayValue?.first?.value(atPath: "columns.i.compression")
            let names: [ParquetWriteOptions.Compression: Value] = [.none: "UNCOMPRESSED", .snappy: "SNAPPY", .gzip: "GZIP", .zstd: "ZSTD"]
            #expect(codec == names[compression])
        }
    }

    @Test func noRowsAndNoFields() async throws {
        // Fields seen in an empty batch still make columns; no batch at all makes an empty schema.
        let empty = RecordBatch(fields: ["a", "b"], columns: [Column(storage: .ints([])), Column(values: [])], positions: [])
        let hints = ["b": FieldSchema(name: "b", type: .date)]
        let options = ParquetWriteOptions(compression: .none, fieldSchemas: hints)
        let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([empty], options: options))
        ParquetWriterOracle.expectColumns(result, [("a", []), ("b", [])])
        #expect(ParquetWriterOracle.meta(result, "arrow_schema.b") == "date32[day]")
        #expect(ParquetWriterOracle.meta(result, "num_rows") == 0)
        let none = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([]), engines: ["pyarrow", "meta"])
        #expect(ParquetWriterOracle.meta(none, "num_rows") == 0)
        #expect(ParquetWriterOracle.meta(none, "pyarrow")?.objectValue?.isEmpty == true)
    }

    @Test func randomColumnsMatchEveryOracle() async throws {
        // Random values of each inferred kind with random nulls, in random batch sizes, row
        // groups and pages, with and without dictionaries.
        var generator = SystemRandomNumberGenerator()
        let count = 5000
        var columns: [(String, ColumnBuilder, [Value])] = ["i", "d", "s", "b", "t"].map { ($0, ColumnBuilder(), []) }
        let words = (0..<40).map { "w\($0)" + String(repeating: "é", count: $0 % 5) }
        for _ in 0..<count {
            for c in columns.indices {
                if Int.random(in: 0..<10, using: &generator) == 0 {
                    columns[c].1.appendNull()
                    columns[c].2.append(.null)
                    continue
                }
                switch columns[c].0 {
                case "i":
                    let v = Int.random(in: -1_000_000...1_000_000, using: &generator)
                    columns[c].1.appendInt(v)
                    columns[c].2.append(.int(v))
                case "d":
                    let v = Double.random(in: -1e6...1e6, using: &generator)
                    columns[c].1.appendDouble(v)
                    columns[c].2.append(.double(v))
                case "s":
                    let v = words.randomElement(using: &generator) ?? ""
                    columns[c].1.appendString(v)
                    columns[c].2.append(.string(v))
                case "b":
                    let v = Bool.random(using: &generator)
                    columns[c].1.appendBool(v)
                    columns[c].2.append(.bool(v))
                default:
                    let v = Int64.random(in: -4_000_000_000_000_000...4_000_000_000_000_000, using: &generator)
                    columns[c].1.append(.timestamp(Timestamp(microseconds: v)))
                    columns[c].2.append(.int(Int(v)))
                }
            }
        }
        let full = Self.batch(columns.map { ($0.0, $0.1.build()) })
        var batches: [RecordBatch] = []
        var start = 0
        while start < count {
            let size = min(count - start, Int.random(in: 1...1500, using: &generator))
            batches.append(full.selecting(Array(start..<(start + size))))
            start += size
        }
        let options = ParquetWriteOptions(
            rowGroupSize: Int.random(in: 500...3000, using: &generator), pageSize: Int.random(in: 100...5000, using: &generator),
            compression: .none, dictionary: Bool.random(using: &generator))
        let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode(batches, options: options))
        ParquetWriterOracle.expectColumns(result, columns.map { ($0.0, $0.2) })
    }

    @Test func extremeValues() async throws {
        // Non-finite doubles (the oracles print them as text), extreme integers, text with NUL
        // and quote bytes, a long value, a name with a space.
        let long = String(repeating: "0123456789", count: 20_000)
        let batch = Self.batch([
            ("d", Column(storage: .doubles([.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]))),
            ("i", Column(storage: .ints([Int.min, Int.max, 0, -1, 1, Int.min]))),
            ("s", Self.text(["a\u{0}b", "\"quoted\"", long, "\n", "\\", "😀"])),
            ("with space", Column(storage: .ints([1, 2, 3, 4, 5, 6]))),
        ])
        for dictionary in [true, false] {
            let options = ParquetWriteOptions(compression: .none, dictionary: dictionary)
            let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([batch], options: options))
            ParquetWriterOracle.expectColumns(
                result,
                [
                    ("d", ["NaN", "Infinity", "-Infinity", -0.0, .double(.leastNonzeroMagnitude), .double(.greatestFiniteMagnitude)]),
                    ("i", [.int(Int.min), .int(Int.max), 0, -1, 1, .int(Int.min)]),
                    ("s", ["a\u{0}b", "\"quoted\"", .string(long), "\n", "\\", "😀"]),
                    ("with space", [1, 2, 3, 4, 5, 6]),
                ])
        }
    }

    @Test func dictionaryLimitAndRowGroupByteLimit() async throws {
        // 17 distinct words: dictionary-encoded, unless its PLAIN page may hold only 100 bytes.
        let words = (0..<2000).map { "word-\($0 % 17)" }
        let batch = Self.batch([("w", Self.text(words)), ("n", Column(storage: .ints(Array(0..<2000))))])
        for (limit, expected) in [(ParquetWriteOptions.defaultDictionaryPageSizeLimit, true), (100, false)] {
            let options = ParquetWriteOptions(compression: .none, dictionaryPageSizeLimit: limit)
            let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([batch], options: options), engines: ["pyarrow", "meta"])
            ParquetWriterOracle.expectColumns(result, [("w", words.map { .string($0) }), ("n", (0..<2000).map { .int($0) })], engines: ["pyarrow"])
            let group = ParquetWriterOracle.meta(result, "row_groups")?.arrayValue?.first
            #expect(group?.value(atPath: "columns.w.has_dictionary") == .bool(expected), "limit \(limit)")
        }
        // Rows of about 8 + 8 + 16 bytes: a 16,000-byte cap makes row groups of 500 rows.
        let options = ParquetWriteOptions(rowGroupByteLimit: 16_000, compression: .none)
        let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([batch], options: options), engines: ["pyarrow", "meta"])
        let rows = ParquetWriterOracle.meta(result, "row_groups")?.arrayValue?.map { $0.value(atPath: "num_rows") }
        let perRow = batch.estimatedBytes / batch.count
        let perGroup = 16_000 / perRow
        #expect(rows == Array(repeating: .int(perGroup), count: 2000 / perGroup) + (2000 % perGroup == 0 ? [] : [.int(2000 % perGroup)]))
        ParquetWriterOracle.expectColumns(result, [("w", words.map { .string($0) }), ("n", (0..<2000).map { .int($0) })], engines: ["pyarrow"])
    }
}
