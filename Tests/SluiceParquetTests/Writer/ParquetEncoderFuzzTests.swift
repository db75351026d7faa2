import Foundation
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

@testable import SluiceParquet

/// Random values of every kind written into columns of every declared type: each file either
/// fails with a ``FormatError`` or is one pyarrow reads with the right row count.
@Suite struct ParquetEncoderFuzzTests {
    static let types: [LogicalType] = [
        .boolean, .integer(bits: 8, signed: true), .integer(bits: 16, signed: false), .integer(bits: 32, signed: true),
        .integer(bits: 64, signed: true), .integer(bits: 64, signed: false), .float(bits: 32), .float(bits: 64),
        .decimal(precision: 4, scale: 2), .decimal(precision: 18, scale: 0), .decimal(precision: 38, scale: 10), .string,
        .binary, .fixedBinary(length: 2), .uuid, .json, .date, .time(unit: .millis), .time(unit: .nanos),
        .timestamp(unit: .millis, utc: true), .timestamp(unit: .nanos, utc: false),
        .list(element: FieldSchema(name: "element", type: .string)),
        .list(element: FieldSchema(name: "element", type: .integer(bits: 32, signed: true), nullable: false)),
        .structure(fields: [FieldSchema(name: "k", type: .float(bits: 64))]),
        .map(key: FieldSchema(name: "key", type: .string), value: FieldSchema(name: "value", type: .boolean)),
    ]

    static func randomValue(_ g: inout some RandomNumberGenerator) -> Value {
        switch Int.random(in: 0..<14, using: &g) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &g))
        case 2: return .int(Int.random(in: -300...300, using: &g))
        case 3: return .int(Int.random(in: Int.min...Int.max, using: &g))
        case 4: return .double(Double.random(in: -1000...1000, using: &g).rounded() / 100)
        case 5: return .double([.nan, .infinity, 1e300, -0.0, 5e-324].randomElement(using: &g) ?? 0)
        case 6: return .string(["", "AQ==", "12.5", "-0.001", "2024-01-01", "12:00:00.5", "x", "18446744073709551615"].randomElement(using: &g) ?? "")
        case 7: return .string("123e4567-e89b-12d3-a456-42661417400\(Int.random(in: 0...9, using: &g))")
        case 8: return .timestamp(Timestamp(microseconds: Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &g) * 1000))
        case 9: return .timestamp(Timestamp(microseconds: Int64.random(in: Int64.min...Int64.max, using: &g)))
        case 10: return [.array([.int(1), .string("a")]), .array([]), .array([.null, .int(3)])].randomElement(using: &g) ?? .null
        case 11: return [.object(ValueObject([("k", Value.null)])), .object(ValueObject([("k", Value.bool(true))])), .object(ValueObject())].randomElement(using: &g) ?? .null
        case 12: return .string("1e\(Int.random(in: -40...40, using: &g))")
        default: return .timestamp(Timestamp(microseconds: Int64(Int.random(in: -100...100, using: &g)) * 86_400_000_000))
        }
    }

    @Test func randomValuesEitherFailCleanlyOrMakeReadableFiles() async throws {
        var g = SystemRandomNumberGenerator()
        let directory = try TemporaryDirectory(prefix: "sluice-parquet-fuzz")
        defer { directory.remove() }
        var written: [(String, Int)] = []
        var failures = 0
        for round in 0..<500 {
            let type = Self.types[round % Self.types.count]
            let rows = Int.random(in: 1...6, using: &g)
            let values = (0..<rows).map { _ in Self.randomValue(&g) }
            let batch = RecordBatch(fields: ["f"], columns: [Column(values: values)], positions: Array(1...rows))
            let options = ParquetWriteOptions(
                compression: .none, dictionary: Bool.random(using: &g),
                fieldSchemas: ["f": FieldSchema(name: "f", type: type, nullable: Bool.random(using: &g))])
            do {
                let bytes = try ParquetWriterOracle.encode([batch], options: options)
                let path = directory.file("f\(round).parquet")
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                written.append((path, rows))
            } catch let error as FormatError {
                #expect(error.message.hasPrefix("Parquet: record "), "\(error.message)")
                failures += 1
            }
        }
        #expect(!written.isEmpty && failures > 0)
        let script = """
            import sys, pyarrow.parquet as pq
            bad = []
            for arg in sys.argv[1:]:
                path, rows = arg.rsplit(":", 1)
                try:
                    t = pq.read_table(path)
                    t.validate(full=True)
                    if t.num_rows != int(rows): bad.append(f"{path}: {t.num_rows} rows")
                except Exception as e:
                    bad.append(f"{path}: {e}")
            print("\\n".join(bad))
            """
        let output = try await Python.run(script, arguments: written.map { "\($0.0):\($0.1)" })
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "")
    }
}
