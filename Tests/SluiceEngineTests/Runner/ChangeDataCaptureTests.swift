import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// `postgres_cdc` → `postgres` in `apply` mode through the engine: a replica table follows
/// inserts, updates and deletes; the slot's position is confirmed only after the target
/// committed, so a run whose target fails replays its changes on the next run.
@Suite struct ChangeDataCaptureTests {
    @Test func aReplicaFollowsTheSourceAndAFailedRunReplaysItsChanges() async throws {
        let pg = try TestDatabases.postgresCDCURL()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let table = TestDatabases.uniqueName("cdc_src")
        let replica = table + "_replica"
        let slot = TestDatabases.uniqueName("slot")
        _ = try await CommandLineClient.psql(pg, """
            CREATE TABLE \(table) (id int8 PRIMARY KEY, name text NOT NULL, qty int4);
            CREATE TABLE \(replica) (id int8 PRIMARY KEY, name text NOT NULL, qty int4);
            """)
        let job = #"""
            {"name":"replicate","source":{"type":"postgres_cdc","config":{"url":"\#(pg)","slot":"\#(slot)","tables":["\#(table)"]}},
             "target":{"type":"postgres","config":{"url":"\#(pg)","table":"\#(replica)","mode":"apply","keys":["id"],"createTable":false}}}
            """#
        let planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 3, environment: [:])
        func run() async throws -> JobOutcome {
            let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(job))
            return await JobRunner.run(try planner.plan(spec), logger: Logger(label: "test"))
        }
        func rows(_ name: String) async throws -> String {
            try await CommandLineClient.psql(pg, "SELECT id, name, coalesce(qty::text, 'null') FROM \(name) ORDER BY id")
        }
        try await withAsyncCleanup {

            let first = try await run()  // creates the slot: changes from here on are captured
            #expect(first.failure == nil, "\(first.failure ?? "")")
            #expect(first.stats.recordsLoaded == 0)
            _ = try await CommandLineClient.psql(pg, """
                INSERT INTO \(table) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', NULL);
                UPDATE \(table) SET qty = 20, name = 'b2' WHERE id = 2;
                DELETE FROM \(table) WHERE id = 1;
                INSERT INTO \(table) VALUES (4, 'd', 4);
                """)
            let second = try await run()
            #expect(second.failure == nil, "\(second.failure ?? "")")
            #expect(second.stats.recordsExtracted == 6)
            #expect(try await rows(replica) == "2|b2|20\n3|c|null\n4|d|4")
            #expect(try await rows(replica) == rows(table))

            // The target fails: nothing is confirmed, and the next run applies the same changes.
            _ = try await CommandLineClient.psql(pg, """
                BEGIN; UPDATE \(table) SET qty = qty + 1 WHERE id = 4; DELETE FROM \(table) WHERE id = 3; COMMIT;
                ALTER TABLE \(replica) RENAME TO \(replica)_away;
                """)
            let failed = try await run()
            #expect(failed.failure != nil)
            _ = try await CommandLineClient.psql(pg, "ALTER TABLE \(replica)_away RENAME TO \(replica)")
            #expect(try await rows(replica) == "2|b2|20\n3|c|null\n4|d|4")
            let replayed = try await run()
            #expect(replayed.failure == nil, "\(replayed.failure ?? "")")
            #expect(replayed.stats.recordsExtracted == 2)
            #expect(try await rows(replica) == "2|b2|20\n4|d|5")

            // Confirmed: a run with no new changes reads nothing.
            let idle = try await run()
            #expect(idle.stats.recordsExtracted == 0)
        } cleanup: {
            _ = try? await CommandLineClient.psql(pg, "SELECT pg_drop_replication_slot('\(slot)')")
            _ = try? await CommandLineClient.psql(pg, "DROP TABLE IF EXISTS \(table), \(replica); DROP PUBLICATION IF EXISTS sluice_\(slot)")
        }
    }
}
