import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Schedule management through the HTTP API: what a schedule runs, its validation with
/// exact paths, dependencies without cycles, and show / replace / patch / delete.
@Suite struct SchedulesAPITests {
    @Test func schedulesAreValidatedUpdatedAndDeleted() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.json", #"[{"a": 1}]"#)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let job = #"{"name":"copy","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"}},"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}"#
        #expect(try await server.request(.POST, "/pipelines", body: #"{"id":"copy","job":\#(job)}"#).status == 201)

        let extract = try await server.request(
            .POST, "/schedules",
            body: #"{"id":"extract","cron":"0 2 * * *","timeZone":"Europe/Berlin","job":\#(job),"retryPolicy":{"maxRetries":2,"retryDelay":1000,"backoffMultiplier":2,"maxDelay":5000,"jitter":0.1}}"#)
        #expect(extract.status == 201)
        #expect(extract.json["timeZone"] == .string("Europe/Berlin"))
        #expect(extract.json["retryPolicy"]["maxDelay"] == .int(5000))
        #expect(extract.json["overlap"] == .string("skip"))
        #expect(extract.json["catchUp"] == .string("latest"))
        #expect(extract.json["maxConcurrent"] == .int(1))

        let load = try await server.request(
            .POST, "/schedules", body: #"{"id":"load","interval":"15m","pipelineId":"copy","dependsOn":["extract"],"overlap":"queue"}"#)
        #expect(load.status == 201)
        #expect(load.json["dependsOn"] == .array([.string("extract")]))
        #expect(load.json["pipelineId"] == .string("copy"))

        let cases: [(String, Int, String)] = [
            (#"{"id":"a"}"#, 400, "cron"),
            (#"{"id":"a","cron":"@daily","interval":"5m"}"#, 400, "interval"),
            (#"{"id":"a","cron":"@daily","pipelineId":"nope"}"#, 400, "pipelineId"),
            (#"{"id":"a","cron":"@daily","pipelineId":"copy","job":\#(job)}"#, 400, "pipelineId"),
            (#"{"id":"a","cron":"@daily","dependsOn":["extract","ghost"]}"#, 400, "dependsOn[1]"),
            (#"{"id":"a","cron":"@daily","dependsOn":["a"]}"#, 400, "dependsOn"),
            (#"{"id":"a","cron":"@daily","maxConcurrent":0}"#, 400, "maxConcurrent"),
            (#"{"id":"a","cron":"@daily","overlap":"sometimes"}"#, 400, "overlap"),
            (#"{"id":"a","cron":"@daily","retryPolicy":{"maxRetries":1,"retryDelay":10,"jitter":2}}"#, 400, "retryPolicy.jitter"),
            (#"{"id":"a","cron":"@daily","job":{"name":"x","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"}},"target":{"type":"nope","config":{}}}}"#, 400, "job.target.type"),
            (#"{"id":"extract","cron":"@daily"}"#, 409, "id"),
        ]
        for (body, status, path) in cases {
            let reply = try await server.request(.POST, "/schedules", body: body)
            #expect(reply.status == status, "\(body)")
            #expect(reply.json["error"]["path"] == .string(path), "\(body): \(reply.text)")
        }

        // extract → load → extract would be a cycle.
        let cycle = try await server.request(.PATCH, "/schedules/extract", body: #"{"dependsOn":["load"]}"#)
        #expect(cycle.status == 400)
        #expect(cycle.json["error"]["path"] == .string("dependsOn"))
        #expect(cycle.json["error"]["message"] == .string("dependsOn: this closes a dependency cycle: extract → load → extract"))

        let disabled = try await server.request(.PATCH, "/schedules/load", body: #"{"enabled":false}"#)
        #expect(disabled.status == 200)
        #expect(disabled.json["enabled"] == .bool(false))
        #expect(disabled.json["interval"] == .string("15m"))
        #expect(try await server.request(.GET, "/schedules/load").json["enabled"] == .bool(false))

        let replaced = try await server.request(.PUT, "/schedules/load", body: #"{"cron":"*/5 * * * *","pipelineId":"copy"}"#)
        #expect(replaced.status == 200)
        #expect(replaced.json["cron"] == .string("*/5 * * * *"))
        #expect(replaced.json["interval"] == .null)
        #expect(replaced.json["dependsOn"] == .null)

        #expect(try await server.request(.PATCH, "/schedules/ghost", body: #"{"enabled":false}"#).status == 404)
        #expect(try await server.request(.GET, "/schedules/ghost").status == 404)

        // A schedule others depend on cannot go; once they stop depending on it, it can.
        #expect(try await server.request(.PATCH, "/schedules/load", body: #"{"dependsOn":["extract"]}"#).status == 200)
        let inUse = try await server.request(.DELETE, "/schedules/extract")
        #expect(inUse.status == 409)
        #expect(try await server.request(.DELETE, "/schedules/load").status == 200)
        #expect(try await server.request(.DELETE, "/schedules/extract").status == 200)
        #expect(try await server.request(.GET, "/schedules").json["count"] == .int(0))
        try await server.stop()
    }

    /// The real server fires an `@every 1s` schedule: each run is in the history with its due
    /// time, status and job, the target is written, and a manual trigger runs at once.
    @Test func anEverySecondScheduleFiresAndKeepsItsHistory() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.json", #"[{"a": 1}, {"a": 2}]"#)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let job = #"{"name":"tick","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"}},"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}"#
        #expect(try await server.request(.POST, "/schedules", body: #"{"id":"tick","cron":"@every 1s","job":\#(job)}"#).status == 201)

        let shown = try await server.request(.GET, "/schedules/tick")
        guard case .array(let next) = shown.json["nextFireTimes"] else {
            Issue.record("no nextFireTimes in \(shown.text)")
            return
        }
        #expect(next.count == 5)

        var scheduled: [Value] = []
        for _ in 0..<6000 where scheduled.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            guard case .array(let runs) = try await server.request(.GET, "/schedules/tick/runs").json["runs"] else { continue }
            scheduled = runs.filter { $0.objectValue?["trigger"] == .string("scheduled") && $0.objectValue?["status"] == .string("completed") }
        }
        #expect(scheduled.count >= 2)
        for run in scheduled {
            #expect(run.objectValue?["attempt"] == .int(1))
            #expect(run.objectValue?["stats"]?.objectValue?["recordsLoaded"] == .int(2))
            if case .string(let jobId)? = run.objectValue?["jobId"] {
                #expect(try await server.request(.GET, "/jobs/\(jobId)").json["status"] == .string("completed"))
            } else {
                Issue.record("a run without its job: \(run)")
            }
        }
        #expect(try JSONParser.parse(try dir.read("out.json")) == [["a": 1], ["a": 2]])

        let manual = try await server.request(.POST, "/schedules/tick/trigger")
        #expect(manual.status == 202)
        #expect(manual.json["trigger"] == .string("manual"))
        var manualDone = false
        for _ in 0..<6000 where !manualDone {
            try await Task.sleep(for: .milliseconds(100))
            guard case .array(let runs) = try await server.request(.GET, "/schedules/tick/runs").json["runs"] else { continue }
            manualDone = runs.contains { $0.objectValue?["trigger"] == .string("manual") && $0.objectValue?["status"] == .string("completed") }
        }
        #expect(manualDone)
        #expect(try await server.request(.POST, "/schedules/ghost/trigger").status == 404)
        try await server.stop()
    }

    @Test func validateExplainsAnExpressionOrItsError() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(stateDir: dir)
        let good = try await server.request(.POST, "/schedules/validate", body: #"{"cron":"30 9 * * 1-5","timeZone":"Europe/Berlin"}"#)
        #expect(good.status == 200)
        #expect(good.json["valid"] == .bool(true))
        if case .string(let text) = good.json["explanation"] {
            #expect(text.contains("Europe/Berlin"))
        } else {
            Issue.record("no explanation: \(good.text)")
        }
        let bad = try await server.request(.POST, "/schedules/validate", body: #"{"cron":"0 0 L * *"}"#)
        #expect(bad.status == 400)
        #expect(bad.json["valid"] == .bool(false))
        #expect(bad.json["path"] == .string("cron"))
        if case .string(let message) = bad.json["error"] {
            #expect(message.contains("'L' (last day) is not supported"))
            #expect(message.contains("^"))
        } else {
            Issue.record("no error: \(bad.text)")
        }
        let zone = try await server.request(.POST, "/schedules/validate", body: #"{"cron":"@daily","timeZone":"Mars/Olympus"}"#)
        #expect(zone.json["path"] == .string("timeZone"))
        try await server.stop()
    }

    /// Schedules, their history and their last fire times survive a restart, and the
    /// restarted server goes on firing.
    @Test func schedulesAndHistorySurviveARestart() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.json", #"[{"a": 1}]"#)
        let environment = ["SLUICE_DATA_DIRS": dir.path]
        var server = try await ServerHarness.start(stateDir: dir, environment: environment)
        let job = #"{"name":"tick","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"}},"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}"#
        #expect(try await server.request(.POST, "/schedules", body: #"{"id":"tick","cron":"@every 1s","job":\#(job)}"#).status == 201)
        func succeeded() async throws -> [String] {
            guard case .array(let runs) = try await server.request(.GET, "/schedules/tick/runs").json["runs"] else { return [] }
            return runs.compactMap { run -> String? in
                guard run.objectValue?["status"] == .string("completed"), case .string(let id)? = run.objectValue?["id"] else { return nil }
                return id
            }
        }
        var before: [String] = []
        for _ in 0..<6000 where before.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            before = try await succeeded()
        }
        #expect(!before.isEmpty)
        try await server.stop()

        server = try await ServerHarness.start(stateDir: dir, environment: environment)
        #expect(try await server.request(.GET, "/schedules/tick").json["cron"] == .string("@every 1s"))
        var after: [String] = []
        for _ in 0..<6000 where after.count <= before.count + 1 {
            try await Task.sleep(for: .milliseconds(100))
            after = try await succeeded()
        }
        #expect(Set(before).isSubset(of: Set(after)))
        #expect(after.count > before.count + 1)
        try await server.stop()
    }

    /// A schedule disabled for a while and enabled again does not run the fire times it
    /// missed while disabled: the next run is due after the pause.
    @Test func reEnablingDoesNotCatchUpTheDisabledPause() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.json", #"[{"a": 1}]"#)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let job = #"{"name":"tick","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"}},"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}"#
        #expect(try await server.request(.POST, "/schedules", body: #"{"id":"tick","cron":"@every 1s","job":\#(job)}"#).status == 201)
        func dueTimes() async throws -> [Int64] {
            guard case .array(let runs) = try await server.request(.GET, "/schedules/tick/runs").json["runs"] else { return [] }
            return runs.compactMap { run -> Int64? in
                guard run.objectValue?["trigger"] == .string("scheduled"), case .string(let text)? = run.objectValue?["dueTime"] else { return nil }
                return Array(text.utf8).withUnsafeBufferPointer { Timestamp.parse($0)?.microseconds }
            }.sorted()
        }
        var before: [Int64] = []
        for _ in 0..<6000 where before.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            before = try await dueTimes()
        }
        #expect(try await server.request(.PATCH, "/schedules/tick", body: #"{"enabled":false}"#).status == 200)
        let lastBefore = try await dueTimes().last ?? 0
        try await Task.sleep(for: .milliseconds(2600))
        #expect(try await dueTimes().last == lastBefore)
        #expect(try await server.request(.PATCH, "/schedules/tick", body: #"{"enabled":true}"#).status == 200)
        var after: [Int64] = []
        for _ in 0..<6000 where after.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            after = try await dueTimes().filter { $0 > lastBefore }
        }
        let firstAfter = try #require(after.first)
        #expect(firstAfter - lastBefore >= 2_000_000, "resumed \(firstAfter - lastBefore) µs after the last run before the pause")
        try await server.stop()
    }
}
