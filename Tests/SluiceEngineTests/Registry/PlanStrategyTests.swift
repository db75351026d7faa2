import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// The planner decides how a job is read and written, once; the runner only follows.
@Suite struct PlanStrategyTests {
    static func plan(
        _ dir: TemporaryDirectory, source: String, target: String, incremental: Bool = false, type: String = "file"
    ) throws -> JobPlan {
        let cursor = incremental ? #", "incremental": {"cursorField": "id"}"# : ""
        let json = #"{"name": "p", "source": {"type": "\#(type)", "config": \#(source)\#(cursor)}, "target": \#(target)}"#
        let spec = try SpecReader.builtIn.job(try JSONParser.parse(json.replacingOccurrences(of: "{dir}", with: dir.path)))
        return try JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 100, environment: [:]).plan(spec)
    }

    @Test func csvAndNDJSONAreReadInBlocksAndJSONByOneReader() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let ndjsonOut = #"{"type": "file", "config": {"path": "{dir}/out.ndjson"}}"#
        for (file, blocks) in [("a.csv", true), ("a.ndjson", true), ("a.json", false), ("a.tsv", true)] {
            let plan = try Self.plan(dir, source: #"{"path": "{dir}/\#(file)"}"#, target: ndjsonOut)
            if case .blocks = plan.read { #expect(blocks, "\(file)") } else { #expect(!blocks, "\(file)") }
        }
    }

    @Test func onlyNDJSONTargetsArePreEncoded() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let source = #"{"path": "{dir}/a.csv"}"#
        for (target, preEncoded) in [
            (#"{"type": "file", "config": {"path": "{dir}/o.ndjson"}}"#, true),
            (#"{"type": "file", "config": {"path": "{dir}/o.txt", "format": "ndjson"}}"#, true),
            (#"{"type": "file", "config": {"path": "{dir}/o.json"}}"#, false),
            (#"{"type": "file", "config": {"path": "{dir}/o.csv"}}"#, false),
            (#"{"type": "sqlite", "config": {"path": "{dir}/o.db", "table": "t"}}"#, false),
        ] {
            let plan = try Self.plan(dir, source: source, target: target)
            switch plan.write {
            case .preEncoded(let encode):
                #expect(preEncoded, "\(target)")
                let batch = RecordBatch(records: [ValueObject([("a", 1), ("b", "x")])])
                #expect(String(decoding: encode(batch), as: UTF8.self) == "{\"a\":1,\"b\":\"x\"}\n")
            case .records:
                #expect(!preEncoded, "\(target)")
            }
        }
    }

    @Test func incrementalPushdownOnlyForSourcesThatFilterThemselves() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = #"{"type": "file", "config": {"path": "{dir}/o.ndjson"}}"#
        #expect(try Self.plan(dir, source: #"{"path": "{dir}/a.csv"}"#, target: out, incremental: true).incrementalPushdown == nil)
        #expect(try Self.plan(dir, source: #"{"path": "{dir}/a.csv"}"#, target: out).incrementalPushdown == nil)
        // A file source leaves out files only by their modification time, when that is the cursor.
        let byModified = try Self.plan(dir, source: #"{"path": "{dir}/a.csv", "modifiedField": "id"}"#, target: out, incremental: true)
        #expect(byModified.incrementalPushdown?.location == byModified.source.location)
        let table = #"{"path": "{dir}/shop.db", "table": "orders"}"#
        let pushed = try Self.plan(dir, source: table, target: out, incremental: true, type: "sqlite")
        #expect(pushed.incrementalPushdown?.location == pushed.source.location)
        if case .stream = pushed.read {} else { Issue.record("a SQLite table is streamed, not read in blocks") }
        #expect(try Self.plan(dir, source: table, target: out, type: "sqlite").incrementalPushdown == nil)
    }
}
