import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// `POST /ingest/:pipelineId` under the rules of every endpoint (token, body limit) and with
/// hostile bodies: each gets a 4xx or its records' dead letters, never a crash; and the
/// README's example, run as written with curl.
@Suite struct IngestAttackTests {
    @Test func theTokenAndTheBodyLimitApply() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("unused.json", "[]")
        let token = ["Authorization": "Bearer t0ken"]
        let server = try await ServerHarness.start(
            stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path, "SLUICE_API_TOKEN": "t0ken", "SLUICE_MAX_BODY_MB": "1"])
        let target = #"{"type": "file", "config": {"path": "\#(dir.file("out.ndjson"))", "mode": "append"}}"#
        let saved = try await server.request(.POST, "/pipelines", body: IngestAPITests.pipeline("orders", target: target, dir: dir), headers: token)
        #expect(saved.status == 201)
        let record = #"{"id": 1, "email": "a@x.io", "amount": 1, "qty": 1}"#

        let anonymous = try await server.push("/ingest/orders", record, contentType: "application/json")
        #expect(anonymous.status == 401)
        #expect(anonymous.json["error"]["message"] == "missing or wrong bearer token; send 'Authorization: Bearer <SLUICE_API_TOKEN>'")
        let wrong = try await server.push("/ingest/orders", record, contentType: "application/json", headers: ["Authorization": "Bearer t0ke"])
        #expect(wrong.status == 401)
        let unknownAnonymous = try await server.push("/ingest/ghost", record, contentType: "application/json")
        #expect(unknownAnonymous.status == 401, "the token is checked before the pipeline is looked up")

        let big = Array(repeating: record, count: 30_000).joined(separator: "\n")
        #expect(big.utf8.count > 1 << 20)
        let tooLarge = try await server.push("/ingest/orders", big, contentType: "application/x-ndjson", headers: token)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.json["error"]["message"] == "request body is larger than 1 MB (SLUICE_MAX_BODY_MB)")

        let allowed = try await server.push("/ingest/orders", record, contentType: "application/json", headers: token)
        #expect(allowed.status == 200)
        #expect(IngestAPITests.counts(allowed) == [1, 1, 0])
        #expect(try await server.request(.GET, "/jobs", headers: token).json["count"] == 1)
        #expect(try dir.read("out.ndjson") == #"{"id":1,"email":"a@x.io","amount":1,"qty":1,"total":1}"# + "\n")
        try await server.stop()
    }

    @Test func hostileBodiesGetA4xxOrDeadLettersAndTheServerStaysUp() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await IngestAPITests.start(dir)
        func expectHealthy(after attack: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            #expect(try await server.request(.GET, "/health").status == 200, "after \(attack)", sourceLocation: sourceLocation)
        }
        let good = #"{"id": 1, "email": "a@x.io", "amount": 1, "qty": 1}"#

        // Nesting past 512 levels: a JSON document is refused naming the spot, an NDJSON line goes to the DLQ.
        let deepArray = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let deepDocument = try await server.push("/ingest/orders", "[" + deepArray + "]", contentType: "application/json")
        #expect(deepDocument.status == 400)
        #expect(deepDocument.json["error"]["message"].stringValue?.contains("nesting deeper than 512 levels") == true)
        let deepObject = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let deepObjectDocument = try await server.push("/ingest/orders", deepObject, contentType: "application/json")
        #expect(deepObjectDocument.status == 400)
        let deepLines = try await server.push("/ingest/orders", good + "\n" + deepObject + "\n" + deepArray, contentType: "application/x-ndjson")
        #expect(deepLines.status == 200)
        #expect(IngestAPITests.counts(deepLines) == [3, 1, 2])
        try await expectHealthy(after: "deep nesting")

        // Numbers beyond any range are read as a data file's are: the record is loaded or refused.
        for number in ["1e400", "-1e999", "18446744073709551616", "123456789012345678901234567890", "1e-400"] {
            let reply = try await server.push(
                "/ingest/orders", #"{"id": 2, "email": "b@x.io", "amount": \#(number), "qty": \#(number)}"#, contentType: "application/json")
            #expect(reply.status == 200, "\(number)")
            #expect(reply.json["received"] == 1)
            #expect((reply.json["accepted"].number ?? 0) + (reply.json["rejected"].number ?? 0) == 1, "\(number)")
        }
        try await expectHealthy(after: "huge numbers")

        // Text that is not UTF-8 refuses its record, naming the field; outside a string it is a syntax error.
        let badText = Array(#"{"id": 3, "email": "c"#.utf8) + [0xC3, 0x28] + Array(#"@x.io", "amount": 1, "qty": 1}"#.utf8)
        let notUTF8 = try await server.push("/ingest/orders", badText + [0x0A] + Array(good.utf8), contentType: "application/x-ndjson")
        #expect(notUTF8.status == 200)
        #expect(IngestAPITests.counts(notUTF8) == [2, 1, 1])
        let letters = try await server.request(.GET, "/dlq?jobId=\(notUTF8.json["jobId"].stringValue ?? "")")
        #expect(letters.json["failed"][0]["stage"] == "source")
        #expect(letters.json["failed"][0]["error"].stringValue?.contains("email") == true)
        let rawByte = try await server.push("/ingest/orders", Array(#"[{"id": "#.utf8) + [0xFF] + Array("}]".utf8), contentType: "application/json")
        #expect(rawByte.status == 400)
        try await expectHealthy(after: "invalid UTF-8")

        // A 10 MB line is one record like any other.
        let note = String(repeating: "x", count: 10 << 20)
        let long = #"{"id": 4, "email": "d@x.io", "amount": 1, "qty": 1, "note": "\#(note)"}"#
        let longLine = try await server.push("/ingest/orders", long + "\n" + good, contentType: "application/x-ndjson")
        #expect(longLine.status == 200)
        #expect(IngestAPITests.counts(longLine) == [2, 2, 0])
        let lastLines = try dir.read("out.ndjson").split(separator: "\n").suffix(2).map { $0.utf8.count }
        #expect(lastLines.first == #"{"id":4,"email":"d@x.io","amount":1,"qty":1,"note":"","total":1}"#.utf8.count + (10 << 20))

        // Garbage of every kind.
        for (body, type) in [("\u{0}\u{1}\u{2}", "application/json"), ("null", "application/json"), ("\"text\"", "application/octet-stream"),
            ("]", "application/json"), ("[1, 2", "application/json")] {
            let reply = try await server.push("/ingest/orders", body, contentType: type)
            #expect(reply.status == 400, "\(body)")
        }
        let garbageLines = try await server.push("/ingest/orders", "\u{0}\nnull\n[]\n\"x\"\n{", contentType: "application/x-ndjson")
        #expect(IngestAPITests.counts(garbageLines) == [5, 0, 5])
        try await expectHealthy(after: "garbage")
        try await server.stop()
    }

    /// Runs `script` with bash off the cooperative pool (curl talks to this process's server):
    /// ``Python/run(_:arguments:input:)`` waits for it on a thread of its own.
    static func bash(_ script: String) async throws -> String {
        try await Python.run(
            """
            import subprocess, sys
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", sys.argv[1]], capture_output=True, text=True)
            sys.stdout.write(done.stdout)
            sys.stderr.write(done.stderr)
            sys.exit(done.returncode)
            """, arguments: [script])
    }

    @Test func theReadmeExampleRunsAsWritten() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let readme = try RepositoryFiles.text("README.md")
        let marker = try #require(readme.range(of: "<!-- ingest-example -->\n```bash\n"))
        let end = try #require(readme[marker.upperBound...].range(of: "\n```"))
        let example = String(readme[marker.upperBound..<end.lowerBound])
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let script = example.replacingOccurrences(of: "localhost:8001", with: "127.0.0.1:\(server.port)")
            .replacingOccurrences(of: "/tmp/", with: dir.path + "/")
        let output = try await Self.bash(script).split(separator: "\n")
        #expect(output.count == 2, "the two answers")
        let saved = try JSONParser.parse(String(output.first ?? ""))
        #expect(saved["id"] == "events")
        let answer = try JSONParser.parse(String(output.last ?? ""))
        let jobId = try #require(answer["jobId"].stringValue)
        #expect(answer == ["jobId": .string(jobId), "pipelineId": "events", "received": 3, "accepted": 2, "rejected": 1, "status": "completed"])
        #expect(try dir.read("events.ndjson") == #"{"id":1,"kind":"VIEW"}"# + "\n" + #"{"id":2,"kind":"CLICK"}"# + "\n")
        let letters = try await server.request(.GET, "/dlq?jobId=\(jobId)")
        #expect(letters.json["count"] == 1)
        #expect(letters.json["failed"][0]["record"] == ["kind": "orphan"])
        #expect(letters.json["failed"][0]["error"] == "Missing required field: id")
        try await server.stop()
    }
}
