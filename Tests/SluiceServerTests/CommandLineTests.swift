import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Runs the built `sluice` executable as a user would.
@Suite struct CommandLineTests {
    /// The `sluice` binary built next to this test bundle.
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("sluice").path

    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `sluice arguments…` to its end; the process is run and waited for outside the
    /// cooperative pool (see ``offThePool(_:)``).
    static func sluice(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await offThePool { try sluiceBlocking(arguments, environment: environment) }
    }

    /// ``sluice(_:environment:)`` on the calling thread, which it blocks until the process ends.
    private static func sluiceBlocking(_ arguments: [String], environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func validatePrintsEveryErrorWithItsPath() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let spec = try dir.write("bad.json", #"""
        {"name":"x","source":{"type":"file","config":{"path":"\#(dir.file("in.csv"))"}},
         "transforms":[{"operation":"filter","config":{"field":"a","operator":"eq","value":1}},
                       {"operation":"aggregate","config":{"groupBy":["region"],"aggregations":{"amount":"total"}}}],
         "target":{"type":"file","config":{"path":"/etc/sluice-out.json"}}}
        """#)
        let result = try await Self.sluice(["validate", spec], environment: ["SLUICE_DATA_DIRS": dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n") == [
            "transforms[1].config.aggregations.amount: unknown aggregation 'total'; expected one of sum, avg, min, max, count, median, stddev, countDistinct, countNonNull, variance, variance_pop, stddev_pop, percentile, first, last, collect",
            "target.config.path: path '/etc/sluice-out.json' is outside the allowed data directories (\(dir.path)); set SLUICE_DATA_DIRS to allow it",
        ])
        let good = try await Self.sluice(["validate", RepositoryFiles.path("examples/02-advanced-pipeline.json")])
        #expect(good.status == 0)
        #expect(good.stdout.hasSuffix("valid (2 transforms, source file, target file)\n"))
    }

    @Test func runPrintsStatsAndFailsWithStatus1() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.ndjson", "{\"a\":1}\nnot json\n{\"a\":2}\n")
        let job = try dir.write("job.json", #"{"name":"cli","source":{"type":"file","config":{"path":"\#(dir.file("in.ndjson"))"}},"transforms":[],"target":{"type":"file","config":{"path":"\#(dir.file("out.csv"))"}}}"#)
        let env = ["SLUICE_DATA_DIRS": dir.path, "SLUICE_STATE": dir.file("state.db")]
        let result = try await Self.sluice(["run", job], environment: env)
        #expect(result.status == 0)
        let output = try JSONParser.parse(result.stdout)
        #expect(output.objectValue?["stats"]?.objectValue?["recordsExtracted"] == 3)
        #expect(output.objectValue?["stats"]?.objectValue?["recordsLoaded"] == 2)
        #expect(output.objectValue?["stats"]?.objectValue?["recordsErrored"] == 1)
        #expect(try dir.read("out.csv") == "a\n1\n2\n")
        #expect(FileManager.default.fileExists(atPath: dir.file("state.db")), "the run is recorded in the state database")

        try dir.write("broken.json", "[{\"a\":1},")
        let failing = try dir.write("fail.json", #"{"name":"cli","source":{"type":"file","config":{"path":"\#(dir.file("broken.json"))"}},"transforms":[],"target":{"type":"file","config":{"path":"\#(dir.file("out.csv"))"}}}"#)
        let failed = try await Self.sluice(["run", "--no-state", failing], environment: env)
        #expect(failed.status == 1)
        #expect(try JSONParser.parse(failed.stdout).objectValue?["job"]?.objectValue?["status"] == "failed")
        #expect(try dir.read("out.csv") == "a\n1\n2\n", "a failed run leaves the target as it was")
    }

    @Test func aKilledRunLeavesTheTargetAsItWas() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // The source is a FIFO that the test feeds and never closes, so the run is stuck in
        // the middle — target temp file open and partly written — when it is killed.
        let fifo = dir.file("in.ndjson")
        #expect(mkfifo(fifo, 0o644) == 0)
        try dir.write("out.json", "[\"before\"]")
        let job = try dir.write("job.json", #"{"name":"kill","source":{"type":"file","config":{"path":"\#(fifo)"}},"transforms":[],"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"},"batchSize":100}}"#)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", "--no-state", job]
        process.environment = ["SLUICE_DATA_DIRS": dir.path, "BATCH_SIZE": "100", "SLUICE_BLOCK_KB": "4", "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Opening the FIFO waits for sluice to open it, and the write for sluice to read most
        // of it (a pipe holds 64 KiB): both block, so they run outside the cooperative pool.
        let writer = try #require(await offThePool { FileHandle(forWritingAtPath: fifo) })
        var rows = ""
        for i in 0..<20_000 { rows += "{\"id\":\(i),\"name\":\"row \(i)\"}\n" }
        let data = Data(rows.utf8)
        await offThePool { writer.write(data) }
        // Wait (without a time limit that matters) until records reached the temp file.
        var written = 0
        for _ in 0..<600 where written == 0 {
            try await Task.sleep(for: .milliseconds(50))
            for name in try dir.list() where name.hasSuffix(".tmp") {
                written = (try? FileManager.default.attributesOfItem(atPath: dir.file(name))[.size] as? Int) ?? 0
            }
        }
        kill(process.processIdentifier, SIGKILL)
        await process.exited()
        try writer.close()
        #expect(written > 0, "the run never wrote to its temporary file")
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try dir.read("out.json") == "[\"before\"]")
    }
}
