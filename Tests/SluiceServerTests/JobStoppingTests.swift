import Foundation
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// `POST /jobs/:id/cancel`, the job's `timeoutMs` and `SLUICE_JOB_TIMEOUT_S`: a stopped job
/// records why, leaves its target as it was and leaves no temporary file.
@Suite struct JobStoppingTests {
    /// Waits until the service runs `id` (the job reached its source).
    static func waitUntilRunning(_ server: ServerHarness, _ id: String) async throws {
        for _ in 0..<400 where !server.service.runningJobIds.contains(id) {
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(server.service.runningJobIds.contains(id))
    }

    /// Waits until job `id` has finished and answers its record.
    static func finished(_ server: ServerHarness, _ id: String) async throws -> Value {
        for _ in 0..<400 {
            let reply = try await server.request(.GET, "/jobs/\(id)")
            let status = reply.json["status"]
            if status == "completed" || status == "failed" || status == "cancelled" { return reply.json }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("job \(id) did not finish")
        return .null
    }

    /// Files in `dir` other than `keep`.
    static func debris(in dir: TemporaryDirectory, keeping keep: Set<String> = []) throws -> [String] {
        try dir.list().filter { !keep.contains($0) }
    }

    @Test func cancelStopsARunningJobAndLeavesTheTargetAsItWas() async throws {
        let state = try TemporaryDirectory()
        let data = try TemporaryDirectory()
        defer { state.remove(); data.remove() }
        try data.write("out.json", "[{\"kept\": true}]\n")
        let stall = try await StallingServer.start()
        let server = try await ServerHarness.start(stateDir: state, environment: ["SLUICE_DATA_DIRS": data.path])
        let submitted = try await server.request(.POST, "/jobs?async=true", body: stall.job(id: "slow", target: data.file("out.json")))
        #expect(submitted.status == 202)
        try await Self.waitUntilRunning(server, "slow")
        // Once the target is open, its temporary file, named after the job, sits beside it.
        for _ in 0..<400 where try data.list().count < 2 {
            try await Task.sleep(for: .milliseconds(25))
        }
        let temps = try Self.debris(in: data, keeping: ["out.json"])
        #expect(temps.count == 1)
        #expect(temps.first?.hasPrefix(".out.json.sluice-slow-") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: state.file("scratch")) == ["slow.scratch"])

        let cancel = try await server.request(.POST, "/jobs/slow/cancel")
        #expect(cancel.status == 202)
        #expect(cancel.json["job"]["status"] == "cancelling")
        let job = try await Self.finished(server, "slow")
        #expect(job["status"] == "cancelled")
        #expect(job["error"] == "cancelled by request; the target was left as it was")
        #expect(try data.read("out.json") == "[{\"kept\": true}]\n")
        #expect(try Self.debris(in: data, keeping: ["out.json"]) == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: state.file("scratch")) == [])

        let again = try await server.request(.POST, "/jobs/slow/cancel")
        #expect(again.status == 409)
        #expect(again.json["error"]["message"] == "job 'slow' has already finished (cancelled); there is nothing to cancel")
        let unknown = try await server.request(.POST, "/jobs/nope/cancel")
        #expect(unknown.status == 404)
        #expect(unknown.json["error"]["message"] == "no job with id 'nope'")
        #expect(try await server.request(.GET, "/health").status == 200)
        try await server.stop()
        await stall.stop()
    }

    @Test func aJobTimeoutStopsTheRunAndNamesTheLimit() async throws {
        let state = try TemporaryDirectory()
        let data = try TemporaryDirectory()
        defer { state.remove(); data.remove() }
        let stall = try await StallingServer.start()
        let server = try await ServerHarness.start(stateDir: state, environment: ["SLUICE_DATA_DIRS": data.path])
        let reply = try await server.request(.POST, "/jobs", body: stall.job(id: "t1", target: data.file("out.json"), extra: #", "timeoutMs": 300"#))
        #expect(reply.status == 200)
        #expect(reply.json["job"]["status"] == "failed")
        #expect(reply.json["job"]["error"] == "timed out after 300 ms (the job's timeoutMs or SLUICE_JOB_TIMEOUT_S); the target was left as it was")
        #expect(try Self.debris(in: data) == [])
        try await server.stop()
        await stall.stop()
    }

    @Test func theServerWideLimitCapsEveryJob() async throws {
        let state = try TemporaryDirectory()
        let data = try TemporaryDirectory()
        defer { state.remove(); data.remove() }
        let stall = try await StallingServer.start()
        let server = try await ServerHarness.start(
            stateDir: state, environment: ["SLUICE_DATA_DIRS": data.path, "SLUICE_JOB_TIMEOUT_S": "1"])
        let reply = try await server.request(.POST, "/jobs", body: stall.job(id: "t2", target: data.file("out.json"), extra: #", "timeoutMs": 600000"#))
        #expect(reply.json["job"]["status"] == "failed")
        #expect(reply.json["job"]["error"] == "timed out after 1000 ms (the job's timeoutMs or SLUICE_JOB_TIMEOUT_S); the target was left as it was")
        let bad = try await server.request(.POST, "/jobs", body: stall.job(id: "t3", target: data.file("out.json"), extra: #", "timeoutMs": 0"#))
        #expect(bad.status == 400)
        #expect(bad.json["error"]["path"] == "timeoutMs")
        try await server.stop()
        await stall.stop()
    }
}
