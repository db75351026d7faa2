import Logging
import SQLiteNIO
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// Watermark-based incremental loads through the job service: each run loads only the rows
/// past the stored watermark, the watermark is saved after the target committed, and across
/// runs no row is lost or loaded twice — with inserts between runs, rows sharing the
/// boundary value, and a run that fails mid-way.
@Suite struct IncrementalLoadTests {
    struct Harness {
        let dir: TemporaryDirectory
        let store: SQLiteStateStore
        let service: JobService

        init(batchSize: Int = 100) async throws {
            dir = try TemporaryDirectory()
            store = try await SQLiteStateStore.open(path: dir.file("state.db"))
            let planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: batchSize, environment: [:])
            service = JobService(store: store, planner: planner, logger: Logger(label: "test"))
        }

        func run(_ json: String) async throws -> JobRecord {
            let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
            let (record, plan) = try await service.submit(spec)
            return try await service.run(record, plan: plan)
        }

        func sql(_ path: String, _ statements: String...) async throws {
            let connection = try await SQLiteConnection.open(storage: .file(path: dir.file(path)))
            for statement in statements { _ = try await connection.query(statement) }
            try await connection.close()
        }

        func ids(_ path: String, _ table: String) async throws -> [Int] {
            let connection = try await SQLiteConnection.open(storage: .file(path: dir.file(path)))
            let rows = try await connection.query("SELECT id FROM \(table) ORDER BY id")
            try await connection.close()
            return rows.compactMap { $0.column("id")?.integer }
        }

        func close() async throws {
            try await store.close()
            dir.remove()
        }
    }

    /// SQLite → SQLite with the cursor pushed down as a `julianday` condition: SQLite keeps
    /// DATETIME as text (`2024-01-01 11:00:00`), the watermark is an ISO instant.
    @Test func onlyNewRowsLoadAndRowsSharingTheBoundaryTimestampAreNotLost() async throws {
        let h = try await Harness(batchSize: 2)
        try await h.sql(
            "in.db", "CREATE TABLE events (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, name TEXT)",
            "INSERT INTO events VALUES (1, '2024-01-01 10:00:00', 'a'), (2, '2024-01-01 11:00:00', 'b'), (3, '2024-01-01 11:00:00', 'c')")
        let job = #"""
            {"name":"inc","source":{"type":"sqlite","config":{"path":"\#(h.dir.file("in.db"))","table":"events"},
               "incremental":{"cursorField":"updated_at","keyFields":["id"]}},
             "target":{"type":"sqlite","config":{"path":"\#(h.dir.file("out.db"))","table":"events","mode":"upsert","keys":["id"]}}}
            """#
        let first = try await h.run(job)
        #expect(first.status == .completed)
        #expect(first.stats?.recordsLoaded == 3)
        let key = "sqlite:\(h.dir.file("in.db"))#events@updated_at"
        let saved = try #require(try await h.store.watermark(key: key))
        #expect(saved.watermark == Watermark(value: .timestamp(Timestamp(iso8601: "2024-01-01T11:00:00Z")!), boundaryKeys: ["[2]", "[3]"]))
        #expect(saved.jobId == first.id)
        #expect(saved.cursorField == "updated_at")

        // Between runs: a row at exactly the boundary time, a newer one, and one changed in place.
        try await h.sql(
            "in.db", "INSERT INTO events VALUES (4, '2024-01-01 11:00:00', 'd'), (5, '2024-01-01 12:00:00', 'e')",
            "UPDATE events SET name = 'a2', updated_at = '2024-01-01 12:00:00' WHERE id = 1")
        let second = try await h.run(job)
        #expect(second.status == .completed)
        #expect(second.stats?.recordsExtracted == 3)
        #expect(second.stats?.recordsLoaded == 3)
        #expect(try await h.ids("out.db", "events") == [1, 2, 3, 4, 5])
        let names = try await SQLiteConnection.open(storage: .file(path: h.dir.file("out.db")))
        let rows = try await names.query("SELECT name FROM events ORDER BY id")
        #expect(rows.compactMap { $0.column("name")?.string } == ["a2", "b", "c", "d", "e"])
        try await names.close()
        #expect(try await h.store.watermark(key: key)?.watermark.boundaryKeys == ["[1]", "[5]"])

        // Nothing new: nothing read, nothing loaded, the watermark stays.
        let third = try await h.run(job)
        #expect(third.stats?.recordsExtracted == 0)
        #expect(third.stats?.recordsLoaded == 0)
        #expect(try await h.store.watermark(key: key)?.jobId == second.id)
        try await h.close()
    }

    /// A run whose target fails after some batches leaves neither rows (the database target
    /// writes the job in one transaction) nor a new watermark; the next run loads every row
    /// of the failed one exactly once.
    @Test func aRunThatFailsMidWayLosesNothingAndLoadsNothingTwice() async throws {
        let h = try await Harness(batchSize: 2)
        let lines = (1...3).map { #"{"id":\#($0),"seq":\#($0 * 10),"name":"n\#($0)"}"# }
        _ = try h.dir.write("in.ndjson", lines.joined(separator: "\n") + "\n")
        let job = #"""
            {"name":"inc","source":{"type":"file","config":{"path":"\#(h.dir.file("in.ndjson"))","format":"ndjson"},
               "incremental":{"cursorField":"seq","stateKey":"orders-feed"}},
             "target":{"type":"sqlite","config":{"path":"\#(h.dir.file("out.db"))","table":"orders"}}}
            """#
        #expect(try await h.run(job).stats?.recordsLoaded == 3)
        #expect(try await h.store.watermark(key: "orders-feed")?.watermark.value == .int(30))

        // Five more rows; the fourth of them has a field the table lacks, so its batch fails
        // the job after the batch before it was written.
        var more = (4...8).map { #"{"id":\#($0),"seq":\#($0 * 10),"name":"n\#($0)"}"# }
        more[3] = #"{"id":7,"seq":70,"name":"n7","oops":true}"#
        _ = try h.dir.write("in.ndjson", (lines + more).joined(separator: "\n") + "\n")
        let failed = try await h.run(job)
        #expect(failed.status == .failed)
        #expect(failed.error?.contains("has no column for the field 'oops'") == true)
        #expect(try await h.ids("out.db", "orders") == [1, 2, 3])
        #expect(try await h.store.watermark(key: "orders-feed")?.watermark.value == .int(30))

        more[3] = #"{"id":7,"seq":70,"name":"n7"}"#
        _ = try h.dir.write("in.ndjson", (lines + more).joined(separator: "\n") + "\n")
        let retried = try await h.run(job)
        #expect(retried.status == .completed)
        #expect(retried.stats?.recordsLoaded == 5)
        #expect(try await h.ids("out.db", "orders") == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try await h.store.watermark(key: "orders-feed")?.watermark == Watermark(value: .int(80), boundaryKeys: [#"{"id":8,"seq":80,"name":"n8"}"#]))
        try await h.close()
    }

    /// The first run starts at `initialValue` (inclusive); rows whose cursor is null or of a
    /// kind that does not compare go to the dead-letter queue with the reason.
    @Test func initialValueStartsTheFirstRunAndUnplaceableRowsGoToTheDeadLetterQueue() async throws {
        let h = try await Harness()
        _ = try h.dir.write("in.json", #"""
            [{"id":1,"at":"2024-03-01T00:00:00Z"},{"id":2,"at":"2024-03-02T00:00:00Z"},{"id":3,"at":null},
             {"id":4,"at":"2024-02-28T23:59:59Z"},{"id":5,"at":{"nested":true}},{"id":6,"at":"2024-03-05T08:00:00.5Z"}]
            """#)
        let job = #"""
            {"name":"inc","source":{"type":"file","config":{"path":"\#(h.dir.file("in.json"))"},
               "incremental":{"cursorField":"at","initialValue":"2024-03-02T00:00:00Z","keyFields":["id"]}},
             "target":{"type":"file","config":{"path":"\#(h.dir.file("out.ndjson"))"}}}
            """#
        let run = try await h.run(job)
        #expect(run.status == .completed)
        #expect(run.stats?.recordsLoaded == 2)
        #expect(try h.dir.read("out.ndjson") == "{\"id\":2,\"at\":\"2024-03-02T00:00:00Z\"}\n{\"id\":6,\"at\":\"2024-03-05T08:00:00.5Z\"}\n")
        let dead = try await h.store.deadLetters(jobId: run.id)
        #expect(dead.map(\.error) == [
            "the incremental cursor field 'at' is null",
            "the incremental cursor field 'at' holds a object that cannot be compared with the watermark (a string)",
        ])
        #expect(dead.map(\.stage) == ["source (incremental)", "source (incremental)"])
        let records = try await h.store.watermarks()
        #expect(records.map(\.key) == ["file:\(h.dir.file("in.json"))@at"])
        #expect(records.first?.watermark == Watermark(value: .string("2024-03-05T08:00:00.5Z"), boundaryKeys: ["[6]"]))
        try await h.close()
    }

    /// Retrying an incremental job's dead letters re-processes those records whatever their
    /// cursor: the watermark filters source reads, not retries.
    @Test func deadLetterRetriesAreNotFilteredByTheWatermark() async throws {
        let h = try await Harness()
        _ = try h.dir.write("in.ndjson", "{\"id\":1,\"seq\":200}\n")
        let job = #"""
            {"name":"inc","source":{"type":"file","config":{"path":"\#(h.dir.file("in.ndjson"))","format":"ndjson"},
               "incremental":{"cursorField":"seq","initialValue":100}},
             "target":{"type":"file","config":{"path":"\#(h.dir.file("out.ndjson"))","mode":"append"}}}
            """#
        let run = try await h.run(job)
        #expect(run.stats?.recordsLoaded == 1)
        try await h.store.addDeadLetters([
            NewDeadLetter(jobId: run.id, record: ["id": 7, "seq": 5], error: "target unavailable", position: 7, stage: "target", timestamp: 1)
        ])
        let retry = try await h.service.retryDeadLetters(jobId: run.id)
        #expect(retry.succeeded == [ValueObject([("id", 7), ("seq", 5)])])
        #expect(try h.dir.read("out.ndjson") == "{\"id\":1,\"seq\":200}\n{\"id\":7,\"seq\":5}\n")
        try await h.close()
    }

    @Test func badSettingsAreRefusedWithTheirPaths() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 10, environment: [:])
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(#"""
            {"name":"x","source":{"type":"file","config":{"path":"\#(dir.file("a.json"))"},
               "incremental":{"cursorField":"","keyFields":[],"initialValue":[1]}},
             "target":{"type":"file","config":{"path":"\#(dir.file("b.json"))"}}}
            """#))
        do {
            _ = try planner.plan(spec)
            Issue.record("the plan should have been refused")
        } catch {
            #expect(error.errors == [
                SpecError(path: "source.incremental.cursorField", "must name the field that grows with every change"),
                SpecError(path: "source.incremental.keyFields", "must name at least one field, or be left out"),
                SpecError(path: "source.incremental.initialValue", "expected a number, string or timestamp, found array"),
            ])
        }
    }
}

/// The watermark of a file read in parallel blocks: each worker tracks its blocks' largest
/// cursor and the runner merges them, so rows sharing the largest value in different blocks
/// all end up among the boundary keys, whatever the worker count.
@Suite struct IncrementalParallelTests {
    @Test(arguments: [1, 2]) func blocksMergeIntoOneWatermark(workers: Int) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // 20,000 rows; cursor = id % 997, so the largest value (996) recurs every 997 rows.
        let lines = (0..<20_000).map { #"{"id":\#($0),"v":\#($0 % 997)}"# }
        _ = try dir.write("in.ndjson", lines.joined(separator: "\n") + "\n")
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(#"""
            {"name":"p","source":{"type":"file","config":{"path":"\#(dir.file("in.ndjson"))","format":"ndjson"},
               "incremental":{"cursorField":"v","keyFields":["id"]}},
             "target":{"type":"file","config":{"path":"\#(dir.file("out.ndjson"))"}}}
            """#))
        let plan = try JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 500, environment: [:]).plan(spec)
        let settings = RunSettings(workers: workers, blockBytes: 16 * 1024)
        let start = Watermark(value: .int(990), boundaryKeys: ["[990]", "[1987]"])
        let outcome = await JobRunner.run(plan, settings: settings, watermark: start, logger: Logger(label: "t"))
        #expect(outcome.failure == nil)
        let past = (0..<20_000).filter { $0 % 997 > 990 || ($0 % 997 == 990 && $0 != 990 && $0 != 1987) }
        #expect(outcome.stats.recordsLoaded == past.count)
        let expectedKeys = Set((0..<20_000).filter { $0 % 997 == 996 }.map { "[\($0)]" })
        #expect(outcome.watermark == Watermark(value: .int(996), boundaryKeys: expectedKeys))
        let written = try dir.read("out.ndjson").split(separator: "\n").count
        #expect(written == past.count)
    }
}
