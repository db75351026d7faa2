import AsyncHTTPClient
import Foundation
import NIOCore
import SluiceCore
import SluiceTestSupport
import Testing

/// Tries to break the safety rules: data roots, the API token, redaction and body limits.
@Suite struct SecurityTests {
    static func job(source: String, target: String) -> String {
        #"{"name":"probe","source":{"type":"file","config":{"path":"\#(source)","format":"json"}},"transforms":[],"target":{"type":"file","config":{"path":"\#(target)","format":"json"}}}"#
    }

    @Test func pathsOutsideTheDataRootsAreRefusedWith403() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let inside = try TemporaryDirectory()
        defer { inside.remove() }
        try inside.write("in.json", #"[{"a":1}]"#)
        try FileManager.default.createSymbolicLink(atPath: inside.file("escape"), withDestinationPath: "/etc")
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": inside.path])
        let attempts = [
            Self.job(source: "/etc/passwd", target: inside.file("out.json")),
            Self.job(source: "\(inside.path)/../../etc/passwd", target: inside.file("out.json")),
            Self.job(source: inside.file("escape/passwd"), target: inside.file("out.json")),
            Self.job(source: inside.file("in.json"), target: "/etc/sluice-probe.json"),
            Self.job(source: inside.file("in.json"), target: inside.file("escape/sluice-probe.json")),
        ]
        for body in attempts {
            let reply = try await server.request(.POST, "/jobs", body: body)
            #expect(reply.status == 403, "\(body)")
            #expect(reply.json["error"]["message"].stringValue?.contains("outside the allowed data directories") == true)
            #expect(reply.json["error"]["path"].stringValue?.hasSuffix("config.path") == true)
        }
        #expect(!FileManager.default.fileExists(atPath: "/etc/sluice-probe.json"))
        let allowed = try await server.request(.POST, "/jobs", body: Self.job(source: inside.file("in.json"), target: inside.file("out.json")))
        #expect(allowed.status == 200)
        #expect(try inside.read("out.json").contains(#"{"a":1}"#))
        try await server.stop()
    }

    @Test func theTokenGuardsEverythingButHealth() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_API_TOKEN": "s3cret-token"])
        #expect(try await server.request(.GET, "/health").status == 200)
        let missing = try await server.request(.GET, "/jobs")
        #expect(missing.status == 401)
        #expect(missing.json["error"]["message"].stringValue?.contains("bearer token") == true)
        #expect(try await server.request(.GET, "/jobs", headers: ["Authorization": "Bearer wrong"]).status == 401)
        #expect(try await server.request(.GET, "/jobs", headers: ["Authorization": "Bearer s3cret-tokenX"]).status == 401)
        #expect(try await server.request(.GET, "/jobs", headers: ["Authorization": "s3cret-token"]).status == 401)
        #expect(try await server.request(.GET, "/dlq", headers: ["Authorization": "Bearer s3cret-toke"]).status == 401)
        #expect(try await server.request(.POST, "/schedules", body: "{}").status == 401)
        #expect(try await server.request(.POST, "/ingest/orders", body: "{}").status == 401)
        #expect(try await server.request(.GET, "/jobs", headers: ["Authorization": "Bearer s3cret-token"]).status == 200)
        try await server.stop()
    }

    @Test func secretsAreRedactedAndEnvReferencesResolved() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let api = try await FakeAPIServer.start(customers: [["id": 1]], sales: [], token: "hunter2")
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path, "MY_SECRET": "hunter2"])
        // Secret-looking headers next to a normal one, and references ${env:…} that must be
        // resolved (the API refuses the job otherwise) yet shown as the reference.
        let body = #"""
        {"name":"redact","source":{"type":"api","config":{"url":"\#(api.baseURL)/customers","headers":{
           "Authorization":"Bearer ${env:MY_SECRET}","X-Token":"${env:MY_SECRET}","X-Password":"pw-literal","X-Api-Key":"k-literal","X-Trace":"visible"}}},
         "transforms":[],"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}
        """#
        let reply = try await server.request(.POST, "/jobs", body: body)
        #expect(reply.status == 200)
        #expect(reply.json["job"]["status"] == "completed")
        #expect(reply.json["stats"]["recordsLoaded"] == 1)
        let headers = reply.json["job"]["source"]["config"]["headers"]
        #expect(headers["Authorization"] == "Bearer ${env:MY_SECRET}", "a scheme and a reference: safe to show and store")
        #expect(headers["X-Password"] == "***")
        #expect(headers["X-Api-Key"] == "***")
        #expect(headers["X-Token"] == "${env:MY_SECRET}")
        #expect(headers["X-Trace"] == "visible")
        #expect(!reply.text.contains("pw-literal") && !reply.text.contains("k-literal") && !reply.text.contains("hunter2"))
        await api.stop()
        let id = try #require(reply.json["job"]["id"].stringValue)
        let shown = try await server.request(.GET, "/jobs/\(id)")
        #expect(!shown.text.contains("pw-literal") && !shown.text.contains("hunter2"))
        let missingEnv = try await server.request(
            .POST, "/jobs",
            body: #"{"name":"x","source":{"type":"api","config":{"url":"http://127.0.0.1:1/x","headers":{"Authorization":"Bearer ${env:NOT_SET_ANYWHERE}"}}},"transforms":[],"target":{"type":"file","config":{"path":"\#(dir.file("o.json"))"}}}"#)
        #expect(missingEnv.status == 400)
        #expect(missingEnv.json["error"]["path"] == "source.config.headers.Authorization")
        #expect(missingEnv.json["error"]["message"].stringValue?.contains("NOT_SET_ANYWHERE") == true)
        try await server.stop()
    }

    @Test func oversizedBodiesGet413AndUnknownRoutes404() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_MAX_BODY_MB": "1"])
        let big = #"{"name":""# + String(repeating: "x", count: 1_100_000) + #""}"#
        let tooLarge = try await server.request(.POST, "/jobs", body: big)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.json["error"]["message"].stringValue?.contains("SLUICE_MAX_BODY_MB") == true)
        let unknownRoute = try await server.request(.GET, "/nope")
        #expect(unknownRoute.status == 404)
        #expect(unknownRoute.json["error"]["message"] == "no route for GET /nope")
        let unknownJob = try await server.request(.GET, "/jobs/job_123")
        #expect(unknownJob.status == 404)
        #expect(unknownJob.json["error"]["message"] == "no job with id 'job_123'")
        let notJSON = try await server.request(.POST, "/jobs", body: "{nope")
        #expect(notJSON.status == 400)
        try await server.stop()
    }

}

/// Request bodies must say they are JSON and be valid UTF-8; an open port needs a token.
@Suite struct RequestHygieneTests {
    static func post(_ port: Int, _ path: String, body: [UInt8], contentType: String?) async throws -> (Int, Value) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await patientClient.execute(request, timeout: .seconds(600))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), (try? JSONParser.parse(text)) ?? .null)
    }

    @Test func bodiesMustBeJSONAndValidUTF8() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(stateDir: dir)
        let job = Array(#"{"name": "x", "source": {"type": "file", "config": {"path": "a.json"}}, "target": {"type": "file", "config": {"path": "b.json"}}}"#.utf8)
        // A form post or a text/plain fetch from a web page must not submit jobs.
        for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
            let (status, json) = try await Self.post(server.port, "/jobs", body: job, contentType: type)
            #expect(status == 415, "\(type)")
            #expect(json["error"]["message"] == .string("request bodies must be sent with Content-Type: application/json, got '\(type)'"))
        }
        let (missing, missingJSON) = try await Self.post(server.port, "/schedules", body: job, contentType: nil)
        #expect(missing == 415)
        #expect(missingJSON["error"]["message"] == "request bodies must be sent with Content-Type: application/json, got none")
        var invalid = Array(#"{"name": "caf"#.utf8)
        invalid += [0xC3, 0x28]  // a lead byte followed by a byte that cannot continue it
        invalid += Array(#"", "source": {}}"#.utf8)
        let (bad, badJSON) = try await Self.post(server.port, "/pipelines", body: invalid, contentType: "application/json; charset=utf-8")
        #expect(bad == 400)
        #expect(badJSON["error"]["message"] == "request body is not valid UTF-8 at byte 13")
        #expect(try await server.request(.GET, "/health").status == 200)
        try await server.stop()
    }

    @Test func anOpenPortNeedsAToken() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let refused = try await CommandLineTests.sluice(
            ["serve"], environment: ["HOST": "0.0.0.0", "PORT": "0", "SLUICE_STATE": dir.file("state.db"), "SLUICE_API_TOKEN": ""])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refusing to listen on 0.0.0.0 without SLUICE_API_TOKEN"))
    }
}
