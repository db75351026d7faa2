import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Jobs may not touch the server's own files, write through a dangling symlink, or make a
/// data directory their target; a catastrophic pattern cannot freeze the server.
@Suite struct SandboxAttackTests {
    @Test func theStateDatabaseCanBeNeitherReadNorOverwritten() async throws {
        let state = try TemporaryDirectory()
        let data = try TemporaryDirectory()
        defer { state.remove(); data.remove() }
        // The state directory sits inside a data root (the temp directory), as `.sluice` sits in the working directory.
        let server = try await ServerHarness.start(stateDir: state, environment: ["SLUICE_DATA_DIRS": "\(data.path):\(state.path)/.."])
        try data.write("in.json", #"[{"a": 1}]"#)
        let statePath = state.file("state.db")
        let attempts: [(String, String)] = [
            ("source.config.path", #"{"name": "read state", "source": {"type": "sqlite", "config": {"path": "\#(statePath)", "table": "jobs"}}, "target": {"type": "file", "config": {"path": "\#(data.file("jobs.json"))"}}}"#),
            ("target.config.path", #"{"name": "clobber state", "source": {"type": "file", "config": {"path": "\#(data.file("in.json"))"}}, "target": {"type": "file", "config": {"path": "\#(statePath)", "format": "json"}}}"#),
            ("target.config.path", #"{"name": "clobber wal", "source": {"type": "file", "config": {"path": "\#(data.file("in.json"))"}}, "target": {"type": "sqlite", "config": {"path": "\#(statePath)-wal", "table": "t"}}}"#),
            ("target.config.path", #"{"name": "scratch", "source": {"type": "file", "config": {"path": "\#(data.file("in.json"))"}}, "target": {"type": "file", "config": {"path": "\#(state.file("scratch/x.scratch"))", "format": "json"}}}"#),
        ]
        for (path, body) in attempts {
            let reply = try await server.request(.POST, "/jobs", body: body)
            #expect(reply.status == 403, "\(body)")
            #expect(reply.json["error"]["path"] == .string(path))
            #expect(reply.json["error"]["message"].stringValue?.contains("is the server's state directory, which jobs may neither read nor write") == true, "\(reply.text)")
            #expect(try await server.request(.GET, "/health").status == 200)
        }
        // The server still starts on its state file.
        try await server.stop()
        let again = try await ServerHarness.start(stateDir: state, environment: ["SLUICE_DATA_DIRS": data.path])
        #expect(try await again.request(.GET, "/jobs").status == 200)
        try await again.stop()
    }

    @Test func aDanglingSymlinkOrADataDirectoryIsNoTarget() async throws {
        let state = try TemporaryDirectory()
        let data = try TemporaryDirectory()
        let outside = try TemporaryDirectory()
        defer { state.remove(); data.remove(); outside.remove() }
        let server = try await ServerHarness.start(stateDir: state, environment: ["SLUICE_DATA_DIRS": data.path])
        try data.write("in.json", #"[{"a": 1}]"#)
        try FileManager.default.createSymbolicLink(atPath: data.file("db.sqlite"), withDestinationPath: outside.file("made-outside.db"))
        let viaLink = try await server.request(.POST, "/jobs", body: #"{"name": "link", "source": {"type": "file", "config": {"path": "\#(data.file("in.json"))"}}, "target": {"type": "sqlite", "config": {"path": "\#(data.file("db.sqlite"))", "table": "t"}}}"#)
        #expect(viaLink.status == 403)
        #expect(viaLink.json["error"]["message"] == .string("target.config.path: path '\(data.file("db.sqlite"))' is a symbolic link to a file that does not exist; refusing to create what it points to"))
        let root = try await server.request(.POST, "/jobs", body: #"{"name": "root", "source": {"type": "file", "config": {"path": "\#(data.file("in.json"))"}}, "target": {"type": "file", "config": {"path": "\#(data.path)", "format": "json"}}}"#)
        #expect(root.status == 403)
        #expect(root.json["error"]["message"] == .string("target.config.path: path '\(data.path)' is a data directory itself; name a file inside it"))
        #expect(try outside.list() == [])
        #expect(try data.list().sorted() == ["db.sqlite", "in.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: DataRoots.parent(of: data.path)).filter { $0.hasSuffix(".tmp") } == [])
        try await server.stop()
    }

    @Test func aCatastrophicPatternNeitherFreezesTheServerNorLies() async throws {
        let state = try TemporaryDirectory()
        let data = try TemporaryDirectory()
        defer { state.remove(); data.remove() }
        let server = try await ServerHarness.start(stateDir: state, environment: ["SLUICE_DATA_DIRS": data.path])
        let evil = String(repeating: "a", count: 33)
        try data.write("in.json", #"[{"s": "\#(evil)b"}, {"s": "\#(evil)"}, {"s": "\#(evil)!"}]"#)
        let job = #"{"name": "redos", "source": {"type": "file", "config": {"path": "\#(data.file("in.json"))"}, "schema": {"fields": [{"name": "s", "type": "string", "validators": [{"type": "pattern", "value": "^(a+)+$"}]}]}}, "target": {"type": "file", "config": {"path": "\#(data.file("out.ndjson"))"}}}"#
        async let run = server.request(.POST, "/jobs", body: job)
        #expect(try await server.request(.GET, "/health").status == 200)
        let reply = try await run
        #expect(reply.json["job"]["status"] == "completed")
        #expect(reply.json["stats"]["recordsLoaded"] == 1)
        #expect(reply.json["stats"]["recordsErrored"] == 2)
        #expect(try data.read("out.ndjson") == #"{"s":"\#(evil)"}"# + "\n")
        try await server.stop()
    }
}
