import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// The README's Redis job, run as written (its server aside) twice against a redis-server of
/// the test's own: the second run reads only what was added since, upserts it, and leaves
/// nothing pending in the group.
@Suite struct RedisJobTests {
    static func readmeJob(port: Int, database: String) throws -> String {
        let readme = try RepositoryFiles.text("README.md")
        let marker = try #require(readme.range(of: "<!-- redis-example -->\n```json\n"))
        let end = try #require(readme[marker.upperBound...].range(of: "\n```"))
        return String(readme[marker.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "@127.0.0.1:6379/", with: "@127.0.0.1:\(port)/")
            .replacingOccurrences(of: "data/orders.db", with: database)
    }

    /// redis-py against the server as the ACL user `etl`: `script` sees `r` and `sys.argv[2:]`.
    static func python(_ port: Int, _ script: String, _ arguments: [String] = []) async throws -> String {
        try await Python.run(
            "import json, sys, redis\nr = redis.Redis(port=int(sys.argv[1]), username='etl', password='r3dis pw', decode_responses=True)\n"
                + script, arguments: [String(port)] + arguments)
    }

    /// The table, as Python's sqlite3 reads it: `id total` per row.
    static func table(_ path: String) async throws -> [String] {
        let script = """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute("select id, total from orders order by id"):
                print(*row)
            """
        return try await Python.run(script, arguments: [path]).split(separator: "\n").map(String.init)
    }

    @Test func theSecondRunUpsertsWhatWasAddedAndLeavesNothingPending() async throws {
        let server = try await RedisTestServer.start(password: "admin")
        _ = try await Python.run(
            "import redis, sys\nredis.Redis(port=int(sys.argv[1]), password='admin').acl_setuser('etl', enabled=True, passwords=['+r3dis pw'], keys=['*'], commands=['+@all'])",
            arguments: [String(server.port)])
        let add = "for n, total in json.loads(sys.argv[2]): r.xadd('orders', {'data': json.dumps({'id': n, 'total': total})})"
        _ = try await Self.python(server.port, add, [JSONText.string(.array((1...10).map { .array([.int($0), .double(Double($0) + 0.5)]) }))])

        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await SQLiteStateStore.open(path: dir.file("state.db"))
        let planner = JobPlanner(
            registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 4, environment: ["SLUICE_SECRET_REDIS_PASSWORD": "r3dis pw"])
        let service = JobService(store: store, planner: planner, logger: Logger(label: "test"))
        let spec = try ValueDecoder().decode(
            JobSpec.self, from: try JSONParser.parse(try Self.readmeJob(port: server.port, database: dir.file("orders.db"))))
        func run() async throws -> JobRecord {
            let (record, plan) = try await service.submit(spec)
            return try await service.run(record, plan: plan)
        }

        let one = try await run()
        #expect(one.status == .completed, "\(one.error ?? "")")
        #expect(one.stats?.recordsLoaded == 10)
        #expect(try await Self.table(dir.file("orders.db")) == (1...10).map { "\($0) \(Double($0) + 0.5)" })
        #expect(try await Self.python(server.port, "print(r.xpending('orders', 'warehouse')['pending'])") == "0\n")

        // Orders 9 and 10 change, 11 and 12 are new.
        _ = try await Self.python(server.port, add, ["[[9, 90], [10, 100], [11, 11.5], [12, 12.5]]"])
        let two = try await run()
        #expect(two.status == .completed, "\(two.error ?? "")")
        #expect(two.stats?.recordsExtracted == 4)
        #expect(
            try await Self.table(dir.file("orders.db"))
                == (1...8).map { "\($0) \(Double($0) + 0.5)" } + ["9 90.0", "10 100.0", "11 11.5", "12 12.5"])
        #expect(try await Self.python(server.port, "print(r.xpending('orders', 'warehouse')['pending'])") == "0\n")
        try await store.close()
    }
}
