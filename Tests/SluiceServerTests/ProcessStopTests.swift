import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// What SIGTERM, Ctrl-C and SIGKILL do to a real `sluice` process and its jobs.
@Suite struct ProcessStopTests {
    @Test func sigtermStopsTheServerWithinTheGraceAndRecordsTheStoppedJob() async throws {
        let state = try TemporaryDirectory()
        let data = try TemporaryDirectory()
        defer { state.remove(); data.remove() }
        let stall = try await StallingServer.start()
        let environment = ["SLUICE_STATE": state.file("state.db"), "SLUICE_DATA_DIRS": data.path, "SLUICE_SHUTDOWN_GRACE_S": "1"]
        let server = try await ServerProcess.start(environment: environment, logPath: state.file("server.log"))
        let submitted = try await server.request(.POST, "/jobs?async=true", body: stall.job(id: "held", target: data.file("out.json")))
        #expect(submitted.status == 202)
        for _ in 0..<400 {
            if try await server.request(.GET, "/jobs/held").json["status"] == "running" { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        // Generous: the grace is 1 s; a server that ignored SIGTERM would never end.
        #expect(try await server.signal(SIGTERM, waitingUpTo: .seconds(60)))
        #expect(server.process.terminationStatus == 0)
        let restarted = try await ServerProcess.start(environment: environment, logPath: state.file("server.log"))
        let job = try await restarted.request(.GET, "/jobs/held")
        #expect(job.json["status"] == "failed", "\(job.text)")
        #expect(job.json["error"] == "stopped: the process was shut down (SIGTERM or Ctrl-C) before the job finished; the target was left as it was")
        #expect(try data.list() == [])
        #expect(try await restarted.signal(SIGTERM, waitingUpTo: .seconds(60)))
        await stall.stop()
    }

    @Test func ctrlCStopsACommandLineRunAndAKilledRunIsMarkedFailedNextTime() async throws {
        let state = try TemporaryDirectory()
        let data = try TemporaryDirectory()
        defer { state.remove(); data.remove() }
        let stall = try await StallingServer.start()
        let environment = ["SLUICE_STATE": state.file("state.db"), "SLUICE_DATA_DIRS": data.path]
        for (signal, id) in [(SIGINT, "interrupted"), (SIGKILL, "killed")] {
            let job = try state.write("\(id).json", stall.job(id: id, target: data.file("out.json")))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
            process.arguments = ["run", job]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Running once its temporary file exists beside the target.
            for _ in 0..<800 where try data.list().isEmpty {
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(try data.list().count == 1)
            kill(process.processIdentifier, signal)
            await process.exited()
            if signal == SIGINT {
                #expect(process.terminationStatus == 1)
                #expect(try data.list() == [])  // the run removed its temporary file itself
            }
        }
        // The next start (here a `sluice run` that fails to plan... any start) marks the killed job failed and removes its file.
        let next = try await CommandLineTests.sluice(["run", try state.write("bad.json", #"{"name": "x", "source": {"type": "file", "config": {"path": "\#(data.file("missing.csv"))"}}, "target": {"type": "file", "config": {"path": "\#(data.file("o.json"))"}}}"#)], environment: environment)
        #expect(next.status == 1)
        #expect(try data.list() == [])
        let statuses = try await Python.run(
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(sorted(c.execute(\"select id, status, error from jobs where id in ('interrupted','killed')\").fetchall()))",
            arguments: [state.file("state.db")])
        #expect(statuses.trimmingCharacters(in: .whitespacesAndNewlines) == "["
            + "('interrupted', 'failed', 'stopped: the process was shut down (SIGTERM or Ctrl-C) before the job finished; the target was left as it was'), "
            + "('killed', 'failed', 'interrupted: the process running the job stopped before it finished; its target was left as it was; submit it again')]")
        await stall.stop()
    }
}
