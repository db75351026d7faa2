import AsyncHTTPClient
import Foundation
import NIOCore
import SluiceCore
import SluiceTestSupport
import Testing

extension ServerHarness {
    /// Posts raw `body` bytes with `contentType` (no Content-Type header when `nil`).
    func push(_ path: String, _ body: [UInt8], contentType: String?, headers: [String: String] = [:]) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await patientClient.execute(request, timeout: .seconds(600))
        let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        let json = text.isEmpty ? Value.null : (try? JSONParser.parse(text)) ?? .string(text)
        return Reply(status: Int(response.status.code), json: json, text: text)
    }

    /// Posts `text` with `contentType`.
    func push(_ path: String, _ text: String, contentType: String?, headers: [String: String] = [:]) async throws -> Reply {
        try await push(path, Array(text.utf8), contentType: contentType, headers: headers)
    }
}

/// `POST /ingest/:pipelineId` on a real server: JSON, JSON array and NDJSON bodies run
/// through a saved pipeline's schema, transform and target as recorded jobs, with exact
/// counts, file contents and dead letters.
@Suite struct IngestAPITests {
    /// A pipeline whose schema wants an integer `id` and a valid `email`, which adds
    /// `total = amount * qty`, and whose `target` is given.
    static func pipeline(_ id: String, target: String, dir: TemporaryDirectory) -> String {
        #"""
        {"id": "\#(id)", "name": "Orders", "job": {
          "name": "orders",
          "source": {"type": "file", "config": {"path": "\#(dir.file("unused.json"))"},
            "schema": {"fields": [
              {"name": "id", "type": "number", "nullable": false},
              {"name": "email", "type": "string", "validators": [{"type": "pattern", "value": "^[^@]+@[^@]+$", "message": "Invalid email"}]}],
              "required": ["id", "email"]}},
          "transforms": [{"operation": "add", "config": {"fields": {"total": "amount * qty"}}}],
          "target": \#(target)}}
        """#
    }

    /// Starts a server with data root `dir` and saves pipeline `orders` appending to `out.ndjson`.
    static func start(_ dir: TemporaryDirectory, environment: [String: String] = [:]) async throws -> ServerHarness {
        try dir.write("unused.json", "[]")
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path].merging(environment) { _, b in b })
        let target = #"{"type": "file", "config": {"path": "\#(dir.file("out.ndjson"))", "mode": "append"}}"#
        let saved = try await server.request(.POST, "/pipelines", body: pipeline("orders", target: target, dir: dir))
        #expect(saved.status == 201, "\(saved.text)")
        return server
    }

    /// The answer's counts: `[received, accepted, rejected]`.
    static func counts(_ reply: ServerHarness.Reply) -> [Value] {
        [reply.json["received"], reply.json["accepted"], reply.json["rejected"]]
    }

    @Test func objectArrayAndNDJSONBodiesEachRunAsAJob() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await Self.start(dir)

        let object = try await server.push(
            "/ingest/orders", #"{"id": 1, "email": "a@x.io", "amount": 2, "qty": 3}"#, contentType: "application/json")
        #expect(object.status == 200)
        #expect(Self.counts(object) == [1, 1, 0])
        #expect(object.json["status"] == "completed")
        #expect(object.json["pipelineId"] == "orders")
        let objectJob = try #require(object.json["jobId"].stringValue)
        #expect(objectJob.hasPrefix("job_"))
        #expect(object.json.objectValue?.keys == ["jobId", "pipelineId", "received", "accepted", "rejected", "status"])

        let array = try await server.push(
            "/ingest/orders",
            #"[{"id": 2, "email": "b@x.io", "amount": 1.5, "qty": 2}, {"id": 3, "email": "nope", "amount": 1, "qty": 1}, 7, {"id": 4, "email": "d@x.io", "amount": 0, "qty": 5}]"#,
            contentType: "application/json; charset=utf-8")
        #expect(array.status == 200)
        #expect(Self.counts(array) == [4, 2, 2])
        let arrayJob = try #require(array.json["jobId"].stringValue)

        let lines = #"""
            {"id": 5, "email": "e@x.io", "amount": 10, "qty": 1}
            {"id": 6, "amount": 1, "qty": 1}

            {"id": 7, "email": "g@x.io", "amount": 
            {"id": 8, "email": "h@x.io", "amount": 4, "qty": 4}
            """#
        let ndjson = try await server.push("/ingest/orders", lines + "\n", contentType: "application/x-ndjson")
        #expect(ndjson.status == 200)
        #expect(Self.counts(ndjson) == [4, 2, 2])
        let ndjsonJob = try #require(ndjson.json["jobId"].stringValue)

        // Every request appended after the one before, through the schema and the transform.
        #expect(try dir.read("out.ndjson") == """
            {"id":1,"email":"a@x.io","amount":2,"qty":3,"total":6}
            {"id":2,"email":"b@x.io","amount":1.5,"qty":2,"total":3.0}
            {"id":4,"email":"d@x.io","amount":0,"qty":5,"total":0}
            {"id":5,"email":"e@x.io","amount":10,"qty":1,"total":10}
            {"id":8,"email":"h@x.io","amount":4,"qty":4,"total":16}

            """)

        // The refused records are in the DLQ with their reasons, positions and stages.
        let arrayLetters = try await server.request(.GET, "/dlq?jobId=\(arrayJob)")
        #expect(arrayLetters.json["count"] == 2)
        let arrayReasons = (arrayLetters.json["failed"].arrayValue ?? []).map {
            [$0["position"], $0["stage"], $0["error"], $0["record"]]
        }
        #expect(arrayReasons.contains([.int(2), "validation", "Invalid email", ["id": 3, "email": "nope", "amount": 1, "qty": 1]]))
        #expect(arrayReasons.contains([.int(3), "source", "record 3: expected an object, found number", 7]))
        let ndjsonLetters = try await server.request(.GET, "/dlq?jobId=\(ndjsonJob)")
        #expect(ndjsonLetters.json["count"] == 2)
        let ndjsonReasons = (ndjsonLetters.json["failed"].arrayValue ?? []).map { [$0["position"], $0["error"]] }
        #expect(ndjsonReasons.contains([.int(2), "Missing required field: email"]))
        #expect(ndjsonReasons.contains { $0[0] == .int(4) && $0[1].stringValue?.hasPrefix("line 4: invalid JSON at byte") == true })

        // Its dead letters can be retried like any job's (here they fail the same schema again).
        let retried = try await server.request(.POST, "/dlq/retry/\(ndjsonJob)")
        #expect(retried.status == 200, "\(retried.text)")
        #expect([retried.json["retried"], retried.json["succeeded"], retried.json["failed"]] == [2, 0, 2])

        // Each request is a job like any other.
        let shown = try await server.request(.GET, "/jobs/\(arrayJob)")
        #expect(shown.json["status"] == "completed")
        #expect(shown.json["name"] == "ingest: Orders")
        #expect(shown.json["source"]["type"] == "ingest")
        #expect(shown.json["source"]["config"] == ["pipelineId": "orders", "format": "json"])
        #expect(shown.json["source"]["schema"]["required"] == ["id", "email"], "records were validated against the pipeline's schema")
        #expect(shown.json["stats"]["recordsExtracted"] == 4)
        #expect(shown.json["stats"]["recordsLoaded"] == 2)
        #expect(shown.json["stats"]["recordsErrored"] == 2)
        #expect(try await server.request(.GET, "/jobs/\(ndjsonJob)").json["source"]["config"]["format"] == "ndjson")
        #expect(try await server.request(.GET, "/jobs").json["count"] == 3)
        let lineage = try await server.request(.GET, "/lineage/ingest:orders")
        #expect(lineage.status == 200)
        #expect((lineage.json["nodes"].arrayValue ?? []).count >= 2)
        try await server.stop()
    }

    @Test func anObjectIsOneRecordAndOtherTypesAreDetected() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await Self.start(dir)
        // An object with one array-of-objects member is still one record (not a wrapper).
        let wrapped = try await server.push(
            "/ingest/orders", #"{"id": 1, "email": "a@x.io", "amount": 1, "qty": 1, "items": [{"sku": "A"}, {"sku": "B"}]}"#,
            contentType: "application/json")
        #expect(Self.counts(wrapped) == [1, 1, 0])
        // Detected: lines of objects are NDJSON, an object over several lines is one document.
        let lines = try await server.push(
            "/ingest/orders", "{\"id\": 2, \"email\": \"b@x.io\", \"amount\": 1, \"qty\": 2}\r\n{\"id\": 3, \"email\": \"c@x.io\", \"amount\": 1, \"qty\": 3}",
            contentType: "application/octet-stream")
        #expect(Self.counts(lines) == [2, 2, 0])
        let pretty = try await server.push(
            "/ingest/orders", "\u{FEFF}{\n  \"id\": 4,\n  \"email\": \"d@x.io\",\n  \"amount\": 1,\n  \"qty\": 4\n}\n", contentType: "application/vnd.acme+json")
        #expect(Self.counts(pretty) == [1, 1, 0])
        #expect(try await server.request(.GET, "/jobs/\(pretty.json["jobId"].stringValue ?? "")").json["source"]["config"]["format"] == "json")
        let empty = try await server.push("/ingest/orders", "[]", contentType: "application/json")
        #expect(empty.status == 200)
        #expect(Self.counts(empty) == [0, 0, 0])
        #expect(try dir.read("out.ndjson") == """
            {"id":1,"email":"a@x.io","amount":1,"qty":1,"items":[{"sku":"A"},{"sku":"B"}],"total":1}
            {"id":2,"email":"b@x.io","amount":1,"qty":2,"total":2}
            {"id":3,"email":"c@x.io","amount":1,"qty":3,"total":3}
            {"id":4,"email":"d@x.io","amount":1,"qty":4,"total":4}

            """)
        try await server.stop()
    }

    @Test func badRequestsAreRefusedBeforeAnyJob() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await Self.start(dir)
        let unknown = try await server.push("/ingest/ghost", #"{"id": 1}"#, contentType: "application/json")
        #expect(unknown.status == 404)
        #expect(unknown.json == ["error": ["message": "no pipeline with id 'ghost'", "path": "pipelineId"]])

        let cut = try await server.push("/ingest/orders", "[\n{\"id\": 1},\n{\"id\": 2,", contentType: "application/json")
        #expect(cut.status == 400)
        #expect(cut.json["error"]["message"] == "request body is not valid JSON: line 3: invalid JSON at byte 22: expected a string key")
        let broken = try await server.push("/ingest/orders", #"{"id": 1, "email" "x"}"#, contentType: "application/json")
        #expect(broken.status == 400)
        #expect(broken.json["error"]["message"] == "request body is not valid JSON: line 1: invalid JSON at byte 18: expected ':' after key")
        let twoObjects = try await server.push("/ingest/orders", "{\"id\": 1}\n{\"id\": 2}\n", contentType: "application/json")
        #expect(twoObjects.status == 400)
        #expect(
            twoObjects.json["error"]["message"]
                == "request body is not valid JSON: line 2: invalid JSON at byte 10: unexpected data after the JSON value (send one object per line as Content-Type: application/x-ndjson)")
        let detectedBroken = try await server.push("/ingest/orders", #"{"id": 1, "#, contentType: "application/octet-stream")
        #expect(detectedBroken.status == 400)
        for blank in ["", "  \n\t\n"] {
            let empty = try await server.push("/ingest/orders", blank, contentType: "application/x-ndjson")
            #expect(empty.status == 400)
            #expect(empty.json["error"]["message"] == "request body is empty; expected a JSON object, a JSON array of objects or NDJSON lines")
        }
        for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
            let refused = try await server.push("/ingest/orders", #"{"id": 1}"#, contentType: type)
            #expect(refused.status == 415, "\(type)")
            #expect(
                refused.json["error"]["message"]
                    == .string("ingest bodies must be sent with Content-Type: application/json or application/x-ndjson, got '\(type)'"))
        }
        let untyped = try await server.push("/ingest/orders", #"{"id": 1}"#, contentType: nil)
        #expect(untyped.status == 415)
        #expect(try await server.request(.GET, "/jobs").json["count"] == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.ndjson")))
        try await server.stop()
    }
}
