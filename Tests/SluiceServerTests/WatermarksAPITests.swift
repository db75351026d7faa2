import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Incremental jobs over HTTP: the second run loads only new rows, `GET /watermarks` shows the
/// stored watermark, and `DELETE /watermarks?key=` makes the next run start over.
@Suite struct WatermarksAPITests {
    @Test func watermarksAreListedAndCanBeReset() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.ndjson", "{\"id\":1,\"at\":\"2024-05-01T10:00:00Z\"}\n{\"id\":2,\"at\":\"2024-05-01T11:00:00Z\"}\n")
        var server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let job = #"""
            {"name":"feed","source":{"type":"file","config":{"path":"\#(dir.file("in.ndjson"))","format":"ndjson"},
               "incremental":{"cursorField":"at","keyFields":["id"],"stateKey":"feed"}},
             "target":{"type":"file","config":{"path":"\#(dir.file("out.ndjson"))"}}}
            """#
        let first = try await server.request(.POST, "/jobs", body: job)
        #expect(first.json["stats"]["recordsLoaded"] == 2)
        #expect(first.json["job"]["source"]["incremental"]["cursorField"] == "at")
        #expect(first.json["job"]["source"]["incremental"]["stateKey"] == "feed")
        try dir.write("in.ndjson", "{\"id\":1,\"at\":\"2024-05-01T10:00:00Z\"}\n{\"id\":2,\"at\":\"2024-05-01T11:00:00Z\"}\n{\"id\":3,\"at\":\"2024-05-01T11:00:00Z\"}\n")
        let second = try await server.request(.POST, "/jobs", body: job)
        #expect(second.json["stats"]["recordsLoaded"] == 1)
        #expect(try dir.read("out.ndjson") == "{\"id\":3,\"at\":\"2024-05-01T11:00:00Z\"}\n")

        let list = try await server.request(.GET, "/watermarks")
        #expect(list.status == 200)
        #expect(list.json["count"] == 1)
        #expect(list.json["watermarks"][0]["key"] == "feed")
        #expect(list.json["watermarks"][0]["cursorField"] == "at")
        #expect(list.json["watermarks"][0]["value"] == "2024-05-01T11:00:00Z")
        #expect(list.json["watermarks"][0]["boundaryRows"] == 2)
        #expect(list.json["watermarks"][0]["jobId"] == second.json["job"]["id"])

        let noKey = try await server.request(.DELETE, "/watermarks")
        #expect(noKey.status == 400)
        #expect(noKey.json["error"]["path"] == "key")
        let reset = try await server.request(.DELETE, "/watermarks?key=feed")
        #expect(reset.status == 200)
        #expect(reset.json["deleted"] == "feed")
        #expect(try await server.request(.DELETE, "/watermarks?key=feed").status == 404)
        let third = try await server.request(.POST, "/jobs", body: job)
        #expect(third.json["stats"]["recordsLoaded"] == 3)
        try await server.stop()
    }
}
