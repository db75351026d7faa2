import Foundation
import SluiceCore
import SluiceFormats
import SluiceParquet
import SluiceTestSupport
import Testing

/// Differential tests of `ParquetFileReader`: files written by pyarrow (every type, encoding,
/// codec and page version), DuckDB and Polars must read exactly as pyarrow reads them.
@Suite struct ParquetFileReaderTests {
    static let uncompressed = [
        "flat_plain_v1", "flat_plain_v2", "flat_dict_v1", "flat_dict_v2", "flat_delta_v1", "flat_delta_v2", "flat_bss_v1",
        "flat_bss_v2", "flat_dict_fallback", "flat_dict_fallback_v2", "flat_int_decimals", "flat_int_decimals_dict", "flat_int96", "flat_int96_dict", "flat_one_page",
        "flat_rows_per_page", "nested_plain_v1", "nested_plain_v2", "nested_dict_v1", "nested_dict_v2", "nested_legacy_names",
        "nested_delta", "polars_plain",
    ]
    static let compressed = [
        "flat_snappy_v1", "flat_snappy_v2", "nested_snappy_v2", "flat_gzip_v1", "flat_gzip_v2", "nested_gzip_v2", "flat_zstd_v1",
        "flat_zstd_v2", "nested_zstd_v2", "flat_lz4_v1", "flat_lz4_v2", "nested_lz4_v2", "pyarrow_default", "duckdb_default",
        "polars_default",
    ]

    @Test(arguments: uncompressed)
    func readsUncompressedFilesAsPyarrowDoes(_ name: String) async throws {
        try await readsAsPyarrow(name)
    }

    @Test(arguments: compressed)
    func readsCompressedFilesAsPyarrowDoes(_ name: String) async throws {
        try await readsAsPyarrow(name)
    }

    /// Read with and without keeping dictionary pages' text as codes, in batches larger and
    /// smaller than the pages. Kept codes must read the same values, and must really be kept
    /// where the file has dictionary-encoded text.
    private func readsAsPyarrow(_ name: String) async throws {
        let files = try await ParquetFixtures.files()
        let expected = try files.expectation(name)
        for (batchSize, keepsCodes) in [(4096, false), (333, false), (4096, true), (333, true), (50, true)] {
            var options = DecodeOptions()
            options.batchSize = batchSize
            options.keepsDictionaryText = keepsCodes
            let read = try ParquetFixtures.read(path: files.path(name), options: options)
            if !keepsCodes {
                #expect(read.dictionaryFields.isEmpty)
            } else if name.hasPrefix("flat_dict") || name == "pyarrow_default" {
                // Their string column `s` is dictionary-encoded (in part, where the dictionary falls back).
                #expect(read.dictionaryFields.contains("s"), "\(name): \(read.dictionaryFields.sorted())")
            }
            ParquetFixtures.expectSame(read, expected)
            #expect(read.rejected.isEmpty, "\(name): \(read.rejected.first?.message ?? "")")
            #expect(read.positions == Array(1...max(1, expected.rows.count)).prefix(expected.rows.count).map { $0 })
            let size = try #require(try FileManager.default.attributesOfItem(atPath: files.path(name))[.size] as? Int)
            #expect(read.bytes == size, "\(name): chunk bytes add up to the file size")
            #expect(read.batchSizes.allSatisfy { $0 <= batchSize })
        }
    }

    @Test func projectionReadsOnlyTheNamedFieldsInFileOrder() async throws {
        let files = try await ParquetFixtures.files()
        let expected = try files.expectation("nested_plain_v1")
        var options = DecodeOptions()
        options.projection = ["mp", "id", "lst", "missing"]
        let read = try ParquetFixtures.read(path: files.path("nested_plain_v1"), options: options)
        #expect(read.fields == ["id", "lst", "mp"])
        let columns = read.fields.compactMap { expected.fields.firstIndex(of: $0) }
        let projected = ParquetExpectation(name: "projected", fields: read.fields, rows: expected.rows.map { row in columns.map { row[$0] } })
        ParquetFixtures.expectSame(read, projected)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: files.path("nested_plain_v1"))[.size] as? Int)
        #expect(read.bytes == size)
    }

    @Test func rowGroupRangesSplitTheFile() async throws {
        let files = try await ParquetFixtures.files()
        let expected = try files.expectation("nested_plain_v1")
        let path = files.path("nested_plain_v1")
        let whole = try ParquetFileReader(input: try LocalFileInput(path: path), options: DecodeOptions())
        #expect(whole.rowGroupCount == 3)
        var rows: [[Value]] = []
        var positions: [Int] = []
        var bytes = 0
        for range in [0..<1, 1..<1, 1..<3] {
            let read = try ParquetFixtures.read(
                ParquetFileReader(input: try LocalFileInput(path: path), options: DecodeOptions(batchSize: 128), rowGroups: range))
            rows += read.rows
            positions += read.positions
            bytes += read.bytes
        }
        ParquetFixtures.expectSame(ParquetRead(fields: expected.fields, rows: rows), expected)
        #expect(positions == Array(1...1200))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(bytes == size)
    }

    @Test func emptyProjectionStillCountsRows() async throws {
        let files = try await ParquetFixtures.files()
        var options = DecodeOptions()
        options.projection = []
        let read = try ParquetFixtures.read(path: files.path("flat_plain_v1"), options: options)
        #expect(read.fields.isEmpty)
        #expect(read.rows.count == 1200)
        #expect(read.positions.last == 1200)
    }

    @Test func emptyFilesAndEmptyRowGroups() async throws {
        let directory = try TemporaryDirectory(prefix: "sluice-parquet-empty")
        defer { directory.remove() }
        _ = try await Python.run(
            #"""
            import sys, pyarrow as pa, pyarrow.parquet as pq
            t = pa.table({"a": pa.array([1, 2, 3], pa.int64()), "s": ["x", "y", None]})
            w = pq.ParquetWriter(sys.argv[1] + "/zero_groups.parquet", t.schema)
            w.write_table(t.slice(0, 0)); w.write_table(t); w.write_table(t.slice(0, 0)); w.close()
            pq.write_table(t.slice(0, 0), sys.argv[1] + "/empty.parquet")
            """#, arguments: [directory.path])
        for name in ["zero_groups", "empty"] {
            let path = directory.file("\(name).parquet")
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            let read = try ParquetFixtures.read(path: path)
            #expect(read.bytes == size, "\(name)")
            #expect(read.fields == ["a", "s"], "\(name)")
            #expect(read.schema?.map(\.name) == ["a", "s"])
            let rows: [[Value]] = name == "empty" ? [] : [[1, "x"], [2, "y"], [3, nil]]
            ParquetFixtures.expectSame(read, ParquetExpectation(name: name, fields: ["a", "s"], rows: rows))
        }
    }

    @Test func declaresTheFlatSchema() async throws {
        let files = try await ParquetFixtures.files()
        let read = try ParquetFixtures.read(path: files.path("flat_plain_v1"), options: DecodeOptions(batchSize: 10_000))
        let schema = try #require(read.schema)
        let types = Dictionary(uniqueKeysWithValues: schema.map { ($0.name, $0.type) })
        #expect(types["b"] == .boolean)
        #expect(types["i8"] == .integer(bits: 8, signed: true))
        #expect(types["i64"] == .integer(bits: 64, signed: true))
        #expect(types["u16"] == .integer(bits: 16, signed: false))
        #expect(types["u64"] == .integer(bits: 64, signed: false))
        #expect(types["f32"] == .float(bits: 32))
        #expect(types["f64"] == .float(bits: 64))
        #expect(types["f16"] == .float(bits: 16))
        #expect(types["s"] == .string)
        #expect(types["ls"] == .string)
        #expect(types["bin"] == .binary)
        #expect(types["fsb"] == .fixedBinary(length: 5))
        #expect(types["d12"] == .decimal(precision: 12, scale: 2))
        #expect(types["d38"] == .decimal(precision: 38, scale: 10))
        #expect(types["dt"] == .date)
        #expect(types["t32"] == .time(unit: .millis))
        #expect(types["t64us"] == .time(unit: .micros))
        #expect(types["t64ns"] == .time(unit: .nanos))
        #expect(types["ts_ms"] == .timestamp(unit: .millis, utc: false))
        #expect(types["ts_ns"] == .timestamp(unit: .nanos, utc: false))
        #expect(types["ts_us_utc"] == .timestamp(unit: .micros, utc: true))
        #expect(types["ts_ns_tz"] == .timestamp(unit: .nanos, utc: true))
        #expect(types["uuid"] == .uuid)
        #expect(types["json"] == .json)
        #expect(schema.first { $0.name == "b_req" }?.nullable == false)
        #expect(schema.first { $0.name == "b" }?.nullable == true)
        let int96 = try ParquetFixtures.read(path: files.path("flat_int96"), options: DecodeOptions(batchSize: 10_000))
        #expect(int96.schema?.first { $0.name == "ts_ns" }?.type == .timestamp(unit: .nanos, utc: false))
    }

    @Test func declaresTheNestedSchema() async throws {
        let files = try await ParquetFixtures.files()
        let read = try ParquetFixtures.read(path: files.path("nested_plain_v1"), options: DecodeOptions(batchSize: 10_000))
        let types = Dictionary(uniqueKeysWithValues: (read.schema ?? []).map { ($0.name, $0.type) })
        #expect(types["li"] == .list(element: FieldSchema(name: "element", type: .integer(bits: 32, signed: true))))
        #expect(
            types["st"]
                == .structure(fields: [
                    FieldSchema(name: "a", type: .integer(bits: 64, signed: true)), FieldSchema(name: "b", type: .string),
                    FieldSchema(name: "c", type: .list(element: FieldSchema(name: "element", type: .integer(bits: 64, signed: true)))),
                ]))
        #expect(
            types["mp"]
                == .map(key: FieldSchema(name: "key", type: .string, nullable: false), value: FieldSchema(name: "value", type: .float(bits: 64))))
        #expect(
            types["lreq"] == .list(element: FieldSchema(name: "element", type: .integer(bits: 64, signed: true), nullable: false)))
        #expect(
            types["ll"]
                == .list(
                    element: FieldSchema(
                        name: "element", type: .list(element: FieldSchema(name: "element", type: .integer(bits: 64, signed: true))))))
    }
}
