import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// The README's API job, run as written (its host aside) against the stand-in CRM of
/// `scripts/http/api_server.py`: OAuth2, cursor pages, and on the second run only the
/// customers changed since the first, asked for with `updated_since` and upserted.
@Suite struct APIIncrementalTests {
    static func readmeJob(base: String, database: String) throws -> String {
        let readme = try RepositoryFiles.text("README.md")
        let marker = try #require(readme.range(of: "<!-- api-example -->\n```json\n"))
        let end = try #require(readme[marker.upperBound...].range(of: "\n```"))
        return String(readme[marker.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "https://crm.example.com", with: base)
            .replacingOccurrences(of: "data/crm.db", with: database)
    }

    /// `path?query` of every request the stand-in saw, in order.
    static func requests(_ server: LoopbackServer) async throws -> [String] {
        let script = """
            import json, sys, urllib.request, urllib.parse
            log = json.loads(urllib.request.urlopen(sys.argv[1] + "/_log").read())["log"]
            for entry in log:
                query = urllib.parse.urlencode(sorted(entry["query"].items()))
                print(entry["path"] + ("?" + query if query else ""))
            """
        return try await Python.run(script, arguments: [server.base]).split(separator: "\n").map(String.init)
    }

    /// The table, as Python's sqlite3 reads it: `id tier updated_at` per row.
    static func table(_ path: String) async throws -> [String] {
        let script = """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute("select id, tier, updated_at from customers order by id"):
                print(*row)
            """
        return try await Python.run(script, arguments: [path]).split(separator: "\n").map(String.init)
    }

    @Test func theSecondRunAsksForAndUpsertsTheChangesAlone() async throws {
        let server = try await LoopbackServer.api()
        let dir = try TemporaryDirectory()
        let store = try await SQLiteStateStore.open(path: dir.file("state.db"))
        let planner = JobPlanner(
            registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 4,
            environment: ["SLUICE_SECRET_CRM_CLIENT_SECRET": "s3cret/+="])
        let service = JobService(store: store, planner: planner, logger: Logger(label: "test"))
        let job = try Self.readmeJob(base: server.base, database: dir.file("crm.db"))
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(job))
        func run() async throws -> JobRecord {
            let (record, plan) = try await service.submit(spec)
            return try await service.run(record, plan: plan)
        }

        let one = try await run()
        #expect(one.status == .completed, "\(one.error ?? "")")
        #expect(one.stats?.recordsExtracted == 25)
        #expect(one.stats?.recordsLoaded == 25)
        #expect(try await Self.requests(server) == ["/oauth/token", "/v2/customers", "/v2/customers?cursor=10", "/v2/customers?cursor=20"])
        #expect(try await Self.table(dir.file("crm.db")).count == 25)

        // Five new customers, and customers 3 and 8 changed (their updated_at moves to July).
        _ = try await Python.run(
            "import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + '/_grow?total=30&touch=3,8').read()", arguments: [server.base])
        let two = try await run()
        #expect(two.status == .completed, "\(two.error ?? "")")
        // The API answers from the watermark's own instant on: customer 25 comes again, and the
        // watermark's key drops it, so 7 are read and loaded.
        #expect(two.stats?.recordsExtracted == 7)
        #expect(two.stats?.recordsLoaded == 7)
        let second = try await Self.requests(server).dropFirst(4)
        #expect(Array(second) == ["/oauth/token", "/v2/customers?updated_since=2024-06-25T00%3A00%3A00Z"])
        let rows = try await Self.table(dir.file("crm.db"))
        #expect(rows.count == 30)
        #expect(rows[2] == "3 basic 2024-07-01T00:00:00Z")
        #expect(rows[7] == "8 gold 2024-07-02T00:00:00Z")
        #expect(rows[29] == "30 basic 2024-06-30T00:00:00Z")

        // The client secret never reaches the state database.
        try await store.close()
        for file in ["state.db", "state.db-wal"] where FileManager.default.fileExists(atPath: dir.file(file)) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file(file)))
            #expect(bytes.range(of: Data("s3cret/+=".utf8)) == nil, "\(file)")
        }
    }
}
