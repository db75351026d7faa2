import Foundation
import SluiceCore
import SluiceFormats
import SluiceParquet
import SluiceTestSupport
import Testing

/// What pyarrow reads from one oracle file, in Sluice's value conventions.
struct ParquetExpectation: Sendable {
    let name: String
    let fields: [String]
    let rows: [[Value]]
}

/// Everything a read of a Parquet file produced.
struct ParquetRead {
    var fields: [String] = []
    var rows: [[Value]] = []
    var positions: [Int] = []
    var bytes = 0
    var rejected: [Rejection] = []
    var batchSizes: [Int] = []
    var rowGroupsSkipped = 0
    var schema: [FieldSchema]?
    /// The fields of which some batch came as dictionary-encoded text.
    var dictionaryFields: Set<String> = []
}

/// The oracle's files, written once per test run into a temporary directory.
enum ParquetFixtures {
    struct Files: Sendable {
        let directory: String
        let expectations: [String: ParquetExpectation]

        func path(_ name: String) -> String { "\(directory)/\(name).parquet" }

        func expectation(_ name: String) throws -> ParquetExpectation {
            try #require(expectations[name], "the oracle wrote no file \(name)")
        }
    }

    /// Written by the first test that awaits ``files()``; a task, so that the oracle's run
    /// blocks no thread while other tests wait for it.
    private static let shared = Task<Files, any Error> {
        let directory = try TemporaryDirectory(prefix: "sluice-parquet-read")
        let output = try await Python.run(ParquetOracle.script, arguments: [directory.path])
        var expectations: [String: ParquetExpectation] = [:]
        for line in output.split(separator: "\n") where !line.isEmpty {
            let expectation = try parseExpectation(String(line))
            expectations[expectation.name] = expectation
        }
        return Files(directory: directory.path, expectations: expectations)
    }

    /// The files (written on first use).
    static func files() async throws -> Files { try await shared.value }

    /// One JSON line of the oracle.
    static func parseExpectation(_ line: String) throws -> ParquetExpectation {
        let document = try JSONParser.parse(line)
        guard case .object(let object) = document, case .string(let name)? = object["name"],
            case .array(let fields)? = object["fields"], case .array(let rows)? = object["rows"]
        else { throw FormatError("unexpected oracle line: \(line.prefix(200))") }
        return ParquetExpectation(
            name: name, fields: fields.compactMap(\.stringValue),
            rows: rows.map { row in (row.arrayValue ?? []).map(decodeOracleValue) })
    }

    /// `{"$ts": µs}` → timestamp, `{"$f": "nan"}` → double; everything else as parsed.
    static func decodeOracleValue(_ value: Value) -> Value {
        switch value {
        case .object(let object):
            if object.count == 1, let micros = object["$ts"], case .int(let us) = micros {
                return .timestamp(Timestamp(microseconds: Int64(us)))
            }
            if object.count == 1, case .string(let special)? = object["$f"] {
                switch special {
                case "nan": return .double(.nan)
                case "inf": return .double(.infinity)
                default: return .double(-.infinity)
                }
            }
            return .object(ValueObject(object.pairs.map { ($0.0, decodeOracleValue($0.1)) }))
        case .array(let items):
            return .array(items.map(decodeOracleValue))
        default:
            return value
        }
    }

    /// Reads a whole file.
    static func read(_ input: any RandomAccessInput, options: DecodeOptions = DecodeOptions()) throws -> ParquetRead {
        try read(ParquetFileReader(input: input, options: options))
    }

    /// Reads everything `reader` gives.
    static func read(_ reader: ParquetFileReader) throws -> ParquetRead {
        var read = ParquetRead()
        read.schema = reader.declaredSchema
        while let chunk = try reader.next() {
            read.fields = chunk.batch.fields
            read.bytes += chunk.bytes
            read.rejected += chunk.rejected
            read.batchSizes.append(chunk.batch.count)
            read.positions += chunk.batch.positions
            for (field, column) in zip(chunk.batch.fields, chunk.batch.columns) where column.isDictionaryText {
                read.dictionaryFields.insert(field)
            }
            for row in 0..<chunk.batch.count {
                read.rows.append((0..<chunk.batch.columns.count).map { chunk.batch.value(row: row, column: $0) })
            }
        }
        read.rowGroupsSkipped = reader.rowGroupsSkipped
        return read
    }

    static func read(path: String, options: DecodeOptions = DecodeOptions()) throws -> ParquetRead {
        try read(LocalFileInput(path: path), options: options)
    }

    /// Whether two values are the same, kind for kind (an int is not a double), with NaN
    /// equal to NaN and strings compared by their bytes.
    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.timestamp(let x), .timestamp(let y)): return x == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.object(let x), .object(let y)):
            return x.keys == y.keys && zip(x.values, y.values).allSatisfy { same($0, $1) }
        default: return false
        }
    }

    /// Records the first difference between what was read and what pyarrow read.
    static func expectSame(_ read: ParquetRead, _ expected: ParquetExpectation, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(read.fields == expected.fields, "\(expected.name): fields", sourceLocation: sourceLocation)
        #expect(read.rows.count == expected.rows.count, "\(expected.name): row count", sourceLocation: sourceLocation)
        for (index, (row, wanted)) in zip(read.rows, expected.rows).enumerated() {
            for (column, (value, want)) in zip(row, wanted).enumerated() where !same(value, want) {
                let field = column < expected.fields.count ? expected.fields[column] : "#\(column)"
                Issue.record(
                    "\(expected.name): row \(index + 1), field '\(field)': read \(value), pyarrow read \(want)", sourceLocation: sourceLocation)
                return
            }
        }
    }
}
