import Logging
import SQLiteNIO
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// Records a target refuses (a database constraint, say) go to the dead-letter queue with the
/// target's reason and their position; the rest of the batch loads.
@Suite struct TargetRejectionTests {
    /// A target that refuses records whose `a` is even, as a CHECK constraint would.
    struct PickyTarget: Target {
        static let type = "picky"
        struct Config: Decodable, Sendable {}
        static let declaration = ComponentDeclaration(summary: "Refuses some records.", config: ObjectShape([]), examples: [])
        init(config: Config, context: ComponentContext) throws {}
        var location: String { "picky" }
        func open(batchSize: Int?) async throws -> any TargetWriter { Writer() }

        final class Writer: RejectingTargetWriter {
            func writeReportingRejections(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
                var rejected: [Rejection] = []
                for row in 0..<batch.count {
                    let record = batch.record(at: row)
                    if let a = record["a"]?.number, Int(a) % 2 == 0 {
                        rejected.append(Rejection(
                            record: .object(record), reasons: ["CHECK constraint failed: a % 2 = 1"],
                            position: batch.positions[row], stage: ""))
                    }
                }
                return (batch.count - rejected.count, rejected)
            }
            func write(_ batch: RecordBatch) async throws -> Int { try await writeReportingRejections(batch).bytes }
            func commit() async throws {}
            func abort() async {}
        }
    }

    @Test func refusedRecordsGoToTheDeadLetterQueueAndTheRestLoad() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.json", #"[{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}, {"a": 5}]"#)
        var registry = ComponentRegistry.builtIn
        registry.registerTarget(PickyTarget.self)
        let job = #"{"name":"p","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"}},"target":{"type":"picky","config":{}}}"#
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(job))
        let plan = try JobPlanner(registry: registry, dataRoots: DataRoots([dir.path]), batchSize: 2, environment: [:]).plan(spec)
        let outcome = await JobRunner.run(plan, logger: Logger(label: "t"))
        #expect(outcome.failure == nil)
        #expect(outcome.stats.recordsExtracted == 5)
        #expect(outcome.stats.recordsLoaded == 3)
        #expect(outcome.stats.recordsErrored == 2)
        #expect(outcome.rejections.map(\.position) == [2, 4])
        #expect(outcome.rejections.map(\.stage) == ["target (load)", "target (load)"])
        #expect(outcome.rejections.first?.reasons == ["CHECK constraint failed: a % 2 = 1"])
    }

    /// SQLite to SQLite through the engine: a CHECK constraint refuses one record, which goes
    /// to the dead-letter queue with SQLite's message; the others land.
    @Test func aDatabaseConstraintSendsTheRecordToTheDeadLetterQueue() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let source = try await SQLiteConnection.open(storage: .file(path: dir.file("in.db")))
        _ = try await source.query("CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL NOT NULL)")
        _ = try await source.query("INSERT INTO orders (id, amount) VALUES (1, 10.5), (2, -3), (3, 7), (4, 0.25)")
        try await source.close()
        let target = try await SQLiteConnection.open(storage: .file(path: dir.file("out.db")))
        _ = try await target.query("CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL NOT NULL CHECK (amount > 0))")
        try await target.close()
        let job = #"""
            {"name":"copy","source":{"type":"sqlite","config":{"path":"\#(dir.file("in.db"))","table":"orders"}},
             "target":{"type":"sqlite","config":{"path":"\#(dir.file("out.db"))","table":"orders"}}}
            """#
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(job))
        let plan = try JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 10, environment: [:]).plan(spec)
        let outcome = await JobRunner.run(plan, logger: Logger(label: "t"))
        #expect(outcome.failure == nil)
        #expect(outcome.stats.recordsLoaded == 3)
        #expect(outcome.rejections.map(\.position) == [2])
        #expect(outcome.rejections.first?.reasons.first?.contains("CHECK constraint failed") == true)
        let check = try await SQLiteConnection.open(storage: .file(path: dir.file("out.db")))
        let rows = try await check.query("SELECT id FROM orders ORDER BY id")
        #expect(rows.compactMap { $0.column("id")?.integer } == [1, 3, 4])
        try await check.close()
    }
}
