import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Hostile expressions and values through the HTTP API: each is a 400 with its path or a
/// clean job outcome, and the server keeps answering. The server runs in the test process,
/// so a stack overflow or a trapping conversion would end the whole test run.
@Suite struct ExpressionAttackTests {
    static let depthMessage = "the expression nests deeper than 128 levels; simplify it"
    static let lengthMessage = "the expression is longer than 65536 bytes; shorten it"

    /// A job spec reading `in.ndjson` of `dir` through `transforms` (JSON text) into `out.json`.
    static func job(_ dir: TemporaryDirectory, transforms: String) -> String {
        #"{"name":"attack","source":{"type":"file","config":{"path":"\#(dir.file("in.ndjson"))"}},"transforms":\#(transforms),"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}"#
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        JSONText.string(.string(text))
    }

    /// The description an expression error has when its line is a run of one character
    /// with the error well inside it (see ``ExpressionError/description``).
    static func description(_ message: String, column: Int, run character: Character) -> String {
        "\(message) at 1:\(column)\n  …" + String(repeating: character, count: 80) + "…\n  " + String(repeating: " ", count: 41) + "^"
    }

    @Test func deepAndHugeExpressionsAre400WithTheirPath() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.ndjson", #"{"amount": 1, "flag": true}"#)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let parentheses = String(repeating: "(", count: 20_000) + "amount + 1" + String(repeating: ")", count: 20_000)
        let nots = String(repeating: "!", count: 60_000) + "flag"
        let calls = String(repeating: "abs(", count: 10_000) + "amount" + String(repeating: ")", count: 10_000)
        let cases: [(transforms: String, path: String, message: String)] = [
            (
                #"[{"operation":"add","config":{"fields":{"total":\#(Self.quoted(parentheses))}}}]"#,
                "transforms[0].config.fields.total", Self.description(Self.depthMessage, column: 129, run: "(")
            ),
            (
                #"[{"operation":"filter","config":{"expr":\#(Self.quoted(nots))}}]"#,
                "transforms[0].config.expr", Self.description(Self.depthMessage, column: 129, run: "!")
            ),
            (
                #"[{"operation":"filter","config":{"field":"amount","operator":"gt","value":0}},{"operation":"add","config":{"fields":{"x":\#(Self.quoted(calls))}}}]"#,
                "transforms[1].config.fields.x",
                "\(Self.depthMessage) at 1:513\n  …" + String(repeating: "abs(", count: 20) + "…\n  " + String(repeating: " ", count: 41) + "^"
            ),
            (
                // A million `!` (1 MB) and a 300,000-term sum (1.2 MB): refused by length.
                #"[{"operation":"filter","config":{"expr":\#(Self.quoted(String(repeating: "!", count: 1_000_000) + "flag"))}}]"#,
                "transforms[0].config.expr", Self.description(Self.lengthMessage, column: 65_537, run: "!")
            ),
            (
                #"[{"operation":"add","config":{"fields":{"sum":\#(Self.quoted(Array(repeating: "a", count: 300_000).joined(separator: " + ")))}}}]"#,
                "transforms[0].config.fields.sum",
                "\(Self.lengthMessage) at 1:65537\n  …" + String(repeating: "a + ", count: 20) + "…\n  "
                    + String(repeating: " ", count: 41) + "^"
            ),
        ]
        for (transforms, path, message) in cases {
            let reply = try await server.request(.POST, "/jobs", body: Self.job(dir, transforms: transforms))
            #expect(reply.status == 400)
            #expect(reply.json["error"]["path"] == .string(path))
            #expect(reply.json["error"]["message"] == .string("\(path): \(message)"))
            let health = try await server.request(.GET, "/health")
            #expect(health.status == 200)
            #expect(health.json["status"] == "healthy")
        }
        // A saved pipeline is planned when saved: the same 400, with the path under `job`.
        let pipeline = #"{"id":"deep","name":"deep","job":\#(Self.job(dir, transforms: #"[{"operation":"filter","config":{"expr":\#(Self.quoted(nots))}}]"#))}"#
        let saved = try await server.request(.POST, "/pipelines", body: pipeline)
        #expect(saved.status == 400)
        #expect(saved.json["error"]["path"] == "job.transforms[0].config.expr")
        #expect(try await server.request(.GET, "/jobs").json["count"] == 0)
        #expect(try await server.request(.GET, "/health").status == 200)
        try await server.stop()
    }

    /// Long runs of one operator are one level: a 10,000-term sum runs as a job and loads the
    /// exact total.
    @Test func aLongSumRunsAsAJob() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.ndjson", #"{"a": 7}"# + "\n" + #"{"a": -3}"#)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let sum = Array(repeating: "a", count: 10_000).joined(separator: "+")
        let reply = try await server.request(.POST, "/jobs", body: Self.job(dir, transforms: #"[{"operation":"add","config":{"fields":{"sum":\#(Self.quoted(sum))}}}]"#))
        #expect(reply.status == 200)
        #expect(reply.json["job"]["status"] == "completed")
        let output = try JSONParser.parse(try dir.read("out.json"))
        #expect(output == [["a": 7, "sum": 70_000], ["a": -3, "sum": -30_000]])
        try await server.stop()
    }

    /// The most negative integer as a `date_add` amount or a `split_part` index (once a
    /// trapping negation) fails its row into the DLQ with the reason; the job completes.
    @Test func extremeIntegersInDataFailTheirRowOnly() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write(
            "in.ndjson",
            #"{"id": 1, "n": -9223372036854775808, "d": "2024-01-31T00:00:00Z", "s": "a,b"}"# + "\n"
                + #"{"id": 2, "n": 1, "d": "2024-01-31T00:00:00Z", "s": "a,b"}"#)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let transforms = #"[{"operation":"add","config":{"fields":{"part":"split_part(s, ',', n)","later":"date_add(d, n, 'month')"}}}]"#
        let reply = try await server.request(.POST, "/jobs", body: Self.job(dir, transforms: transforms))
        #expect(reply.status == 200)
        #expect(reply.json["job"]["status"] == "completed")
        #expect(reply.json["stats"]["recordsLoaded"] == 1)
        #expect(reply.json["stats"]["recordsErrored"] == 1)
        let dlq = try await server.request(.GET, "/dlq")
        #expect(dlq.json["count"] == 1)
        #expect(dlq.json["failed"][0]["record"]["id"] == 1)
        #expect(dlq.json["failed"][0]["error"] == "fields.later: date out of range")
        let output = try JSONParser.parse(try dir.read("out.json"))
        #expect(output == [["id": 2, "n": 1, "d": "2024-01-31T00:00:00Z", "s": "a,b", "part": "a", "later": "2024-02-29T00:00:00.000Z"]])
        #expect(try await server.request(.GET, "/health").status == 200)
        try await server.stop()
    }

    /// `unflatten` of a record key with 100,000 dotted parts (a 200 KB key) once built a value
    /// nested 100,000 deep, whose nesting and writing overflowed the stack. Keys with as many
    /// parts as JSON may nest (512) or more stay flat; shorter ones are nested as before.
    @Test func unflattenLeavesKeysDeeperThanJSONFlat() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let deep = Array(repeating: "a", count: 100_000).joined(separator: ".")
        let edge = Array(repeating: "b", count: 512).joined(separator: ".")
        let fits = Array(repeating: "c", count: 511).joined(separator: ".")
        try dir.write("in.ndjson", #"{"id": 1, "\#(deep)": 2, "\#(edge)": 3, "\#(fits)": 4, "x.y": 5}"#)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let reply = try await server.request(.POST, "/jobs", body: Self.job(dir, transforms: #"[{"operation":"unflatten","config":{}}]"#))
        #expect(reply.status == 200)
        #expect(reply.json["job"]["status"] == "completed")
        var nested: Value = 4
        for _ in 0..<510 { nested = ["c": nested] }
        let output = try JSONParser.parse(try dir.read("out.json"))
        #expect(output == [["id": 1, deep: 2, edge: 3, "c": nested, "x": ["y": 5]]])
        #expect(try await server.request(.GET, "/health").status == 200)
        try await server.stop()
    }

    /// A MySQL URL's `connect_timeout` is not bounded by the config declaration; a huge one
    /// once trapped converting to milliseconds. Now the job just fails to connect.
    @Test func aHugeMySQLConnectTimeoutFailsTheJobCleanly() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let body = #"{"name":"mysql","source":{"type":"mysql","config":{"url":"mysql://etl@127.0.0.1:1/shop?connect_timeout=1e300","query":"SELECT 1"}},"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}"#
        let reply = try await server.request(.POST, "/jobs", body: body)
        #expect(reply.status == 200)
        #expect(reply.json["job"]["status"] == "failed")
        #expect(try await server.request(.GET, "/health").status == 200)
        try await server.stop()
    }
}
