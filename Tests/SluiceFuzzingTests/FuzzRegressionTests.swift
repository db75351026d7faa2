import Foundation
import SluiceCore
import SluiceFormats
import SluiceFuzzing
import SluiceScheduling
import Testing

/// Every saved fuzz input (the seed corpora in `Fuzz/Corpus/<target>` and the inputs that
/// once broke something in `Fuzz/Regressions/<target>`) goes through its entry point, whose
/// properties must hold, and through an independent implementation where one exists:
/// Python's `json` for the JSON parser and both JSON record readers, Python's `csv` for the
/// CSV reader, `croniter` for fire times. python3 with croniter must be installed (as
/// scripts/test.sh does); the oracle tests fail, not skip, without them.
@Suite("Fuzz corpora and regressions")
struct FuzzRegressionTests {
    /// The repository root, from this file's place in it.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// One saved input.
    struct Input: CustomStringConvertible {
        let path: String
        let bytes: [UInt8]
        var description: String { path }
        var isRegression: Bool { path.contains("/Regressions/") }
    }

    /// The corpus then the regressions of `target`, each sorted by name.
    static func inputs(_ target: String) throws -> [Input] {
        var inputs: [Input] = []
        for folder in ["Fuzz/Corpus", "Fuzz/Regressions"] {
            let directory = root.appendingPathComponent("\(folder)/\(target)")
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            for name in names.sorted() where !name.hasPrefix(".") {
                let url = directory.appendingPathComponent(name)
                inputs.append(Input(path: "\(folder)/\(target)/\(name)", bytes: Array(try Data(contentsOf: url))))
            }
        }
        return inputs
    }

    @Test("every saved input keeps its entry point's properties", arguments: FuzzEntryPoints.all.map(\.name))
    func propertiesHold(target: String) throws {
        let run = try #require(FuzzEntryPoints.all.first { $0.name == target }?.run)
        let inputs = try Self.inputs(target)
        #expect(inputs.filter { !$0.isRegression }.count >= 5, "the seed corpus of \(target) is missing")
        for input in inputs {
            let report = run(input.bytes)
            #expect(report.violations.isEmpty, "\(input): \(report)")
            #expect(!report.outcome.isEmpty, "\(input) has no outcome")
        }
    }

    @Test("JSON: accepted and refused exactly as by Python's json, with the identical value")
    func jsonAgreesWithPython() async throws {
        let inputs = try Self.inputs("json")
        let verdicts = try await PythonOracle.run("json", inputs.map { ("-", Self.root.appendingPathComponent($0.path).path) })
        var compared = 0
        for (input, verdict) in zip(inputs, verdicts) where verdict["skip"] == nil {
            compared += 1
            let ours = try? JSONParser.parse(input.bytes)
            switch (ours, verdict["value"]) {
            case (nil, .null?): continue
            case (let value?, let tagged?) where tagged != .null:
                let expected = try PythonOracle.value(tagged)
                #expect(value.isIdentical(to: expected), "\(input): ours \(JSONText.string(value)), Python \(JSONText.string(expected))")
            default:
                Issue.record("\(input): ours \(ours.map { JSONText.string($0) } ?? "refused"), Python \(verdict["value"] == .null ? "refused" : "accepted")")
            }
        }
        #expect(compared >= 10)
    }

    @Test("CSV: without a header and with text cells, the rows Python's csv reads (where it applies)")
    func csvAgreesWithPython() async throws {
        let inputs = try Self.inputs("csv")
        let directory = try TemporaryFiles()
        defer { directory.remove() }
        let cases = inputs.map { RecordStreamCase(format: .csv, $0.bytes) }
        let files = try cases.enumerated().map { index, fuzzCase in
            (String(fuzzCase.options.delimiter), try directory.write("\(index).csv", fuzzCase.data))
        }
        var compared = 0
        for ((input, fuzzCase), verdict) in zip(zip(inputs, cases), try await PythonOracle.run("csv", files)) {
            guard case .array(let rowValues)? = verdict["rows"] else { continue }
            compared += 1
            var rows = try rowValues.map { row in try (row.arrayValue ?? []).map { try PythonOracle.text($0.stringValue ?? "") } }
            let width = rows.map(\.count).max() ?? 0
            var options = DecodeOptions(
                batchSize: 3, delimiter: fuzzCase.options.delimiter, hasHeader: false,
                fieldTypes: Dictionary(uniqueKeysWithValues: (0..<max(1, width)).map { ("column\($0 + 1)", FieldType.string) }))
            options.firstLine = 1
            let ours = DecodedStream.decode(.csv, fuzzCase.data, options: options, pieces: fuzzPieces(count: fuzzCase.data.count, sizes: [5]))
            // Python reads an unterminated quoted field at the end as a row; Sluice rejects it.
            let unterminated = ours.rejections.last.map { $0.reasons.contains { $0.contains("unterminated") } } ?? false
            if unterminated { rows.removeLast() }
            let expected = rows.filter { $0.count == rows.first?.count }
            // Sluice reads an empty unquoted cell as null; Python's csv cannot tell it from `""`.
            let oursRows = ours.records.map { record in record.values.map { $0.isNull ? "" : $0.stringValue ?? "<\($0.kindName)>" } }
            #expect(oursRows.map { $0.map { Array($0.utf8) } } == expected.map { $0.map { Array($0.utf8) } }, "\(input): ours \(oursRows), Python \(expected)")
            #expect(ours.rejections.count == rows.count - expected.count + (unterminated ? 1 : 0), "\(input): rejections \(ours.rejections.map(\.reasons))")
        }
        #expect(compared >= 5)
    }

    @Test("NDJSON: each line read as Python's json reads it")
    func ndjsonAgreesWithPython() async throws {
        let inputs = try Self.inputs("ndjson")
        let directory = try TemporaryFiles()
        defer { directory.remove() }
        let cases = inputs.map { RecordStreamCase(format: .ndjson, $0.bytes) }
        let files = try cases.enumerated().map { index, fuzzCase in ("-", try directory.write("\(index).ndjson", fuzzCase.data)) }
        var comparedLines = 0
        for ((input, fuzzCase), verdict) in zip(zip(inputs, cases), try await PythonOracle.run("ndjson", files)) {
            let ours = DecodedStream.decode(.ndjson, fuzzCase.data, options: DecodeOptions(batchSize: 2), pieces: [0..<fuzzCase.data.count])
            let records = Dictionary(zip(ours.positions, ours.records), uniquingKeysWith: { first, _ in first })
            let rejected = Set(ours.rejections.compactMap(\.position))
            for line in verdict["lines"]?.arrayValue ?? [] {
                guard let pair = line.arrayValue, pair.count == 2, case .int(let number) = pair[0] else { continue }
                comparedLines += 1
                if pair[1] == .null {
                    #expect(rejected.contains(number) && records[number] == nil, "\(input) line \(number): Python finds no object")
                } else if case .object(let expected) = try PythonOracle.value(pair[1]) {
                    let record = records[number]
                    #expect(record.map { sameFields($0, expected) } == true, "\(input) line \(number): ours \(record.map { JSONText.string(.object($0)) } ?? "none"), Python \(JSONText.string(.object(expected)))")
                }
            }
        }
        #expect(comparedLines >= 10)
    }

    @Test("JSON documents: the records Python's json finds")
    func jsonDocumentAgreesWithPython() async throws {
        let inputs = try Self.inputs("json-document")
        let directory = try TemporaryFiles()
        defer { directory.remove() }
        let cases = inputs.map { RecordStreamCase(format: .json, $0.bytes) }
        let files = try cases.enumerated().map { index, fuzzCase in ("-", try directory.write("\(index).json", fuzzCase.data)) }
        var compared = 0
        for ((input, fuzzCase), verdict) in zip(zip(inputs, cases), try await PythonOracle.run("json-document", files)) where verdict["skip"] == nil {
            compared += 1
            let ours = DecodedStream.decode(.json, fuzzCase.data, options: DecodeOptions(batchSize: 2), pieces: [0..<fuzzCase.data.count])
            if verdict["error"] != nil {
                #expect(ours.error != nil, "\(input): Python finds no records, ours \(ours.summary)")
                continue
            }
            let expected = try (verdict["records"]?.arrayValue ?? []).map { pair -> (Int, Value) in
                let parts = pair.arrayValue ?? []
                guard parts.count == 2, case .int(let position) = parts[0] else { throw PythonOracle.OracleFailure(description: "bad record") }
                return (position, try PythonOracle.value(parts[1]))
            }
            #expect(ours.error == nil, "\(input): \(ours.summary)")
            #expect(ours.positions == expected.map(\.0), "\(input): positions")
            let same = ours.records.count == expected.count
                && zip(ours.records, expected).allSatisfy { record, want in want.1.objectValue.map { sameFields(record, $0) } ?? false }
            #expect(same, "\(input): ours \(ours.rows), Python \(expected.map { JSONText.string($0.1) })")
            let rejected = (verdict["rejected"]?.arrayValue ?? []).compactMap { if case .int(let i) = $0 { return i } else { return nil } }
            #expect(ours.rejections.compactMap(\.position) == rejected, "\(input): rejections")
        }
        #expect(compared >= 5)
    }

    @Test("cron: in UTC, the next five fire times croniter gives")
    func cronAgreesWithCroniter() async throws {
        let start = 1_705_313_862
        let inputs = try Self.inputs("cron").filter { !$0.bytes.contains(0x0A) }
        var accepted: [(Input, CronExpression)] = []
        for input in inputs {
            let text = String(decoding: input.bytes, as: UTF8.self)
            if let expression = try? CronExpression(parsing: text), expression.every == nil { accepted.append((input, expression)) }
        }
        let directory = try TemporaryFiles()
        defer { directory.remove() }
        let files = try accepted.enumerated().map { index, entry in (String(start), try directory.write("\(index).cron", entry.0.bytes)) }
        for ((input, expression), verdict) in zip(accepted, try await PythonOracle.run("cron", files)) {
            let ours = expression.next(5, after: Timestamp(microseconds: Int64(start) * 1_000_000)).map { String($0.microseconds / 1_000_000) }
            let theirs = (verdict["times"]?.arrayValue ?? []).compactMap(\.stringValue)
            #expect(ours == theirs, "\(input): ours \(ours), croniter \(theirs) \(verdict["refused"]?.stringValue ?? "")")
        }
        #expect(accepted.count >= 10)
    }

    @Test("the reference's example expressions in the corpus all parse")
    func corpusExpressionsParse() throws {
        let corpus = try Self.inputs("expression").filter { !$0.isRegression }
        for input in corpus {
            let report = FuzzEntryPoints.expression(input.bytes)
            #expect(report.outcome.hasPrefix("parsed"), "\(input): \(report.outcome)")
        }
    }

    @Test("the example jobs are read; their files lie outside the fuzzers' empty data root")
    func exampleJobsAreRead() throws {
        let corpus = try Self.inputs("job-spec").filter { !$0.isRegression }
        let outcomes = Dictionary(uniqueKeysWithValues: corpus.map { ($0.path.split(separator: "/").last.map(String.init) ?? "", FuzzEntryPoints.jobSpec($0.bytes).outcome) })
        #expect(outcomes["01-simple-etl.json"]?.hasPrefix("job read; plan: forbidden: source.config.path") == true, "\(outcomes)")
        #expect(outcomes["02-advanced-pipeline.json"]?.hasPrefix("job read; plan: forbidden: source.config.path") == true, "\(outcomes)")
        #expect(outcomes["customer-migration.json"]?.hasPrefix("job read; plan: ") == true, "\(outcomes)")
        #expect(outcomes["03-schedule.json"]?.hasPrefix("job refused") == true, "\(outcomes)")
    }

    /// The same fields with identical values, in any order (a batch orders fields by first
    /// appearance over all its rows).
    func sameFields(_ a: ValueObject, _ b: ValueObject) -> Bool {
        a.count == b.count && a.pairs.allSatisfy { key, value in b[key].map { value.isIdentical(to: $0) } ?? false }
    }
}

/// A temporary directory for oracle input files.
struct TemporaryFiles {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-fuzz-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `name` and returns its path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
