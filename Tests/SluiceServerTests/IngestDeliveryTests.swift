import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// What ingest requests leave in their target: every request's records exactly once in an
/// append target, sequential or concurrent; nothing of a request whose job failed; and a
/// SQLite table loaded in one transaction, its refused rows in the DLQ.
@Suite struct IngestDeliveryTests {
    /// NDJSON lines of valid orders with ids `ids`.
    static func orders(_ ids: some Sequence<Int>) -> String {
        ids.map { #"{"id": \#($0), "email": "u\#($0)@x.io", "amount": \#($0), "qty": 2}"# }.joined(separator: "\n")
    }

    /// The `id`s of the NDJSON lines of `text`, in order.
    static func ids(_ text: String) throws -> [Int] {
        try text.split(separator: "\n").map { line in
            let value = try JSONParser.parse(String(line))
            guard case .int(let id) = value["id"] else { throw Unexpected(line: String(line)) }
            return id
        }
    }

    struct Unexpected: Error {
        let line: String
    }

    @Test func anAppendTargetGetsEveryRequestExactlyOnce() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await IngestAPITests.start(dir)
        let first = try await server.push("/ingest/orders", Self.orders(1...3), contentType: "application/x-ndjson")
        let second = try await server.push("/ingest/orders", Self.orders(4...5), contentType: "application/x-ndjson")
        #expect(IngestAPITests.counts(first) == [3, 3, 0])
        #expect(IngestAPITests.counts(second) == [2, 2, 0])
        #expect(try Self.ids(try dir.read("out.ndjson")) == [1, 2, 3, 4, 5])
        #expect(try dir.read("out.ndjson").hasPrefix(#"{"id":1,"email":"u1@x.io","amount":1,"qty":2,"total":2}"# + "\n"))

        // Concurrent requests into the same file take turns: none overwrites another's records.
        let replies = try await withThrowingTaskGroup(of: ServerHarness.Reply.self) { group in
            for request in 0..<8 {
                let ids = (100 + request * 10)..<(105 + request * 10)
                group.addTask { try await server.push("/ingest/orders", Self.orders(ids), contentType: "application/x-ndjson") }
            }
            var replies: [ServerHarness.Reply] = []
            for try await reply in group { replies.append(reply) }
            return replies
        }
        #expect(replies.map(\.status) == Array(repeating: 200, count: 8))
        #expect(replies.allSatisfy { IngestAPITests.counts($0) == [5, 5, 0] })
        let written = try Self.ids(try dir.read("out.ndjson"))
        var expected: [Int] = [1, 2, 3, 4, 5]
        for request in 0..<8 { expected += Array((100 + request * 10)..<(105 + request * 10)) }
        #expect(written.count == expected.count)
        #expect(written.sorted() == expected.sorted())
        #expect(Array(written.prefix(5)) == [1, 2, 3, 4, 5])
        try await server.stop()
    }

    @Test func aFailedTargetIsLeftAsItWasAndTheAnswerSaysSo() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await IngestAPITests.start(dir)
        // A JSON file can only be appended to when it holds an array; this one does not.
        let before = "this is not a JSON array\n"
        try dir.write("out.json", before)
        let target = #"{"type": "file", "config": {"path": "\#(dir.file("out.json"))", "mode": "append"}}"#
        let saved = try await server.request(.POST, "/pipelines", body: IngestAPITests.pipeline("strict", target: target, dir: dir))
        #expect(saved.status == 201)
        let reply = try await server.push("/ingest/strict", Self.orders(1...3) + "\n{\"id\": 4}", contentType: "application/x-ndjson")
        #expect(reply.status == 500)
        let jobId = try #require(reply.json["jobId"].stringValue)
        #expect(IngestAPITests.counts(reply) == [4, 0, 0])
        #expect(reply.json["status"] == "failed")
        #expect(reply.json["error"]["path"] == .null)
        let message = try #require(reply.json["error"]["message"].stringValue)
        #expect(message == "ingest job \(jobId) failed: cannot append to '\(dir.file("out.json"))': it does not hold a JSON array")
        #expect(try dir.read("out.json") == before)
        #expect(try dir.list().filter { $0.hasPrefix("out") } == ["out.json"], "no temporary file is left beside the target")
        let job = try await server.request(.GET, "/jobs/\(jobId)")
        #expect(job.json["status"] == "failed")
        #expect(try await server.request(.GET, "/dlq?jobId=\(jobId)").json["count"] == 0)
        try await server.stop()
    }

    @Test func aFailedJobsAnswerShowsNoSecret() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await IngestAPITests.start(dir, environment: ["SLUICE_SECRET_FILE": "hidden-name-42"])
        try dir.write("hidden-name-42.json", "not an array")
        let target = #"{"type": "file", "config": {"path": "\#(dir.path)/${env:SLUICE_SECRET_FILE}.json", "mode": "append"}}"#
        let saved = try await server.request(.POST, "/pipelines", body: IngestAPITests.pipeline("secretive", target: target, dir: dir))
        #expect(saved.status == 201, "\(saved.text)")
        let reply = try await server.push("/ingest/secretive", Self.orders(1...2), contentType: "application/x-ndjson")
        #expect(reply.status == 500)
        #expect(reply.json["error"]["message"].stringValue?.hasSuffix("it does not hold a JSON array") == true)
        #expect(!reply.text.contains("hidden-name-42"))
        let job = try await server.request(.GET, "/jobs/\(reply.json["jobId"].stringValue ?? "")")
        #expect(job.json["target"]["config"]["path"] == .string("\(dir.path)/${env:SLUICE_SECRET_FILE}.json"))
        #expect(!job.text.contains("hidden-name-42"))
        try await server.stop()
    }

    @Test func aSQLiteTableIsLoadedAndItsRefusedRowsGoToTheDLQ() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await IngestAPITests.start(dir)
        let database = dir.file("shop.db")
        _ = try await Python.run(
            """
            import sqlite3, sys
            con = sqlite3.connect(sys.argv[1])
            con.execute("create table orders (id integer primary key, email text not null, amount real, qty integer, total real)")
            con.commit()
            """, arguments: [database])
        let target = #"{"type": "sqlite", "config": {"path": "\#(database)", "table": "orders"}}"#
        let saved = try await server.request(.POST, "/pipelines", body: IngestAPITests.pipeline("shop", target: target, dir: dir))
        #expect(saved.status == 201, "\(saved.text)")

        let first = try await server.push("/ingest/shop", Self.orders(1...3), contentType: "application/x-ndjson")
        #expect(IngestAPITests.counts(first) == [3, 3, 0])
        // id 2 is in the table already: the database refuses that row, the others land.
        let second = try await server.push("/ingest/shop", "[" + [4, 2, 5].map { #"{"id": \#($0), "email": "v\#($0)@x.io", "amount": 1, "qty": 1}"# }.joined(separator: ",") + "]", contentType: "application/json")
        #expect(second.status == 200)
        #expect(IngestAPITests.counts(second) == [3, 2, 1])
        let letters = try await server.request(.GET, "/dlq?jobId=\(second.json["jobId"].stringValue ?? "")")
        #expect(letters.json["count"] == 1)
        #expect(letters.json["failed"][0]["record"]["id"] == 2)
        #expect(letters.json["failed"][0]["stage"] == "target (load)")
        #expect(letters.json["failed"][0]["error"].stringValue?.contains("UNIQUE constraint failed: orders.id") == true)
        let rows = try await Python.run(
            """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute("select id, email, amount, qty, total from orders order by id"):
                print(repr(row))
            """, arguments: [database])
        #expect(rows == """
            (1, 'u1@x.io', 1.0, 2, 2.0)
            (2, 'u2@x.io', 2.0, 2, 4.0)
            (3, 'u3@x.io', 3.0, 2, 6.0)
            (4, 'v4@x.io', 1.0, 1, 1.0)
            (5, 'v5@x.io', 1.0, 1, 1.0)

            """)
        try await server.stop()
    }
}
