import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Saved pipelines through the HTTP API: create, list, show, replace, delete, with
/// path-precise errors, and persistence across a restart.
@Suite struct PipelinesAPITests {
    @Test func pipelinesAreSavedValidatedReplacedAndDeleted() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.json", #"[{"a": 1}]"#)
        let environment = ["SLUICE_DATA_DIRS": dir.path]
        var server = try await ServerHarness.start(stateDir: dir, environment: environment)
        let job = #"{"name":"copy","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"}},"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}"#

        let created = try await server.request(.POST, "/pipelines", body: #"{"id":"daily","name":"Daily copy","job":\#(job)}"#)
        #expect(created.status == 201)
        #expect(created.json["id"] == .string("daily"))
        #expect(created.json["name"] == .string("Daily copy"))
        #expect(created.json["job"]["name"] == .string("copy"))

        let duplicate = try await server.request(.POST, "/pipelines", body: #"{"id":"daily","job":\#(job)}"#)
        #expect(duplicate.status == 409)
        #expect(duplicate.json["error"]["path"] == .string("id"))

        let badJob = try await server.request(
            .POST, "/pipelines", body: #"{"id":"bad","job":{"name":"x","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"}},"transforms":[{"operation":"nope"}],"target":{"type":"file","config":{"path":"\#(dir.file("o.json"))"}}}}"#)
        #expect(badJob.status == 400)
        #expect(badJob.json["error"]["path"] == .string("job.transforms[0].operation"))

        let missingJob = try await server.request(.POST, "/pipelines", body: #"{"id":"nojob"}"#)
        #expect(missingJob.status == 400)
        #expect(missingJob.json["error"]["path"] == .string("job"))

        let literalSecret = try await server.request(
            .POST, "/pipelines",
            body: #"{"id":"secret","job":{"name":"x","source":{"type":"api","config":{"url":"http://127.0.0.1:1/x","headers":{"Authorization":"Bearer abc"}}},"target":{"type":"file","config":{"path":"\#(dir.file("o.json"))"}}}}"#)
        #expect(literalSecret.status == 400)
        #expect(literalSecret.json["error"]["path"] == .string("job.source.config.headers.Authorization"))

        let outside = try await server.request(
            .POST, "/pipelines", body: #"{"id":"outside","job":{"name":"x","source":{"type":"file","config":{"path":"/etc/passwd"}},"target":{"type":"file","config":{"path":"\#(dir.file("o.json"))"}}}}"#)
        #expect(outside.status == 403)

        let replaced = try await server.request(.PUT, "/pipelines/daily", body: #"{"name":"Renamed","job":\#(job)}"#)
        #expect(replaced.status == 200)
        #expect(replaced.json["name"] == .string("Renamed"))
        #expect(replaced.json["createdAt"] == created.json["createdAt"])
        let mismatched = try await server.request(.PUT, "/pipelines/daily", body: #"{"id":"other","job":\#(job)}"#)
        #expect(mismatched.status == 400)
        #expect(mismatched.json["error"]["path"] == .string("id"))
        #expect(try await server.request(.PUT, "/pipelines/ghost", body: #"{"job":\#(job)}"#).status == 404)

        // Saved pipelines survive a restart.
        try await server.stop()
        server = try await ServerHarness.start(stateDir: dir, environment: environment)
        let listed = try await server.request(.GET, "/pipelines")
        #expect(listed.json["count"] == .int(1))
        #expect(listed.json["pipelines"][0]["name"] == .string("Renamed"))
        #expect(try await server.request(.GET, "/pipelines/daily").json["job"]["target"]["config"]["path"] == .string(dir.file("out.json")))

        #expect(try await server.request(.DELETE, "/pipelines/daily").status == 200)
        #expect(try await server.request(.GET, "/pipelines/daily").status == 404)
        #expect(try await server.request(.DELETE, "/pipelines/daily").status == 404)
        try await server.stop()
    }
}
