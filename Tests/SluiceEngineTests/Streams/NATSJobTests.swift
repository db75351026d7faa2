import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// The README's NATS JetStream job, run as written (its server aside) twice against a
/// nats-server of the test's own: the second run reads only what was published since, upserts
/// it, and leaves nothing undelivered or unacknowledged.
@Suite struct NATSJobTests {
    static func readmeJob(port: Int, database: String) throws -> String {
        let readme = try RepositoryFiles.text("README.md")
        let marker = try #require(readme.range(of: "<!-- nats-example -->\n```json\n"))
        let end = try #require(readme[marker.upperBound...].range(of: "\n```"))
        return String(readme[marker.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "@127.0.0.1:4222", with: "@127.0.0.1:\(port)")
            .replacingOccurrences(of: "data/orders.db", with: database)
    }

    /// The table, as Python's sqlite3 reads it: `id total seq` per row.
    static func table(_ path: String) async throws -> [String] {
        let script = """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute("select id, total, seq from orders order by id"):
                print(*row)
            """
        return try await Python.run(script, arguments: [path]).split(separator: "\n").map(String.init)
    }

    @Test func theSecondRunUpsertsWhatWasPublishedAndLeavesNothingUnacknowledged() async throws {
        let server = try await NATSTestServer.start(user: "etl", password: "n4ts pw")
        try await NATSPython.addStream(server, "ORDERS", subjects: ["orders.>"])
        let publish = "for n, total in json.loads(sys.argv[2]): await js.publish('orders.new', json.dumps({'id': n, 'total': total}).encode())"
        _ = try await NATSPython.run(server, publish, [JSONText.string(.array((1...10).map { .array([.int($0), .double(Double($0) + 0.5)]) }))])

        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await SQLiteStateStore.open(path: dir.file("state.db"))
        let planner = JobPlanner(
            registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 4, environment: ["SLUICE_SECRET_NATS_PASSWORD": "n4ts pw"])
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
        #expect(try await Self.table(dir.file("orders.db")) == (1...10).map { "\($0) \(Double($0) + 0.5) \($0)" })
        #expect(try await NATSPython.consumer(server, "ORDERS", "warehouse") == (0, 0))

        // Orders 9 and 10 change, 11 and 12 are new (stream sequences 11 to 14).
        _ = try await NATSPython.run(server, publish, ["[[9, 90], [10, 100], [11, 11.5], [12, 12.5]]"])
        let two = try await run()
        #expect(two.status == .completed, "\(two.error ?? "")")
        #expect(two.stats?.recordsExtracted == 4)
        #expect(
            try await Self.table(dir.file("orders.db"))
                == (1...8).map { "\($0) \(Double($0) + 0.5) \($0)" } + ["9 90.0 11", "10 100.0 12", "11 11.5 13", "12 12.5 14"])
        #expect(try await NATSPython.consumer(server, "ORDERS", "warehouse") == (0, 0))
        try await store.close()
    }
}
