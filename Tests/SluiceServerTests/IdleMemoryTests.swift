import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// A server hands back what its jobs used: once the first job has warmed everything up, twelve
/// more leave its private memory within 1 MB of where it was (about 0.1 MB here). Measured on a
/// `sluice serve` process of its own, so nothing else the tests run shares its heap. With
/// glibc's default of one arena per thread, the arenas kept 2.5 to 5 MB more on this test
/// after the trim that follows each job.
@Suite struct IdleMemoryTests {
    /// The process's private resident memory (`RssAnon`), in kB.
    static func anonymousKB(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix("RssAnon:") {
            if let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) }) { return kb }
        }
        throw ServerProcess.Failure(message: "no RssAnon in /proc/\(pid)/status")
    }

    @Test func jobsAfterTheFirstLeaveMemoryWithinOneMegabyte() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var csv = "id,name,region,amount\n"
        for id in 1...20000 { csv += "\(id),customer \(id),region \(id % 8),\(id % 500).25\n" }
        try dir.write("orders.csv", csv)
        let server = try await ServerProcess.start(
            environment: ["SLUICE_STATE": dir.file("state/state.db"), "SLUICE_DATA_DIRS": dir.path], logPath: dir.file("serve.log"))
        try await withAsyncCleanup {

            func runJob(_ n: Int) async throws {
                let reply = try await server.request(
                    .POST, "/jobs",
                    body: #"{"name":"memory \#(n)","source":{"type":"file","config":{"path":"\#(dir.file("orders.csv"))"}},"#
                        + #""transforms":[{"operation":"filter","config":{"field":"amount","operator":"gt","value":100}}],"#
                        + #""target":{"type":"file","config":{"path":"\#(dir.file("out-\(n).ndjson"))","format":"ndjson"}}}"#)
                #expect(reply.status == 200)
                #expect(reply.json["job"]["status"] == "completed")
                #expect(reply.json["stats"]["recordsExtracted"] == 20000)
            }
            try await runJob(0)
            let afterFirst = try Self.anonymousKB(of: server.process.processIdentifier)
            for n in 1...12 { try await runJob(n) }
            let afterAll = try Self.anonymousKB(of: server.process.processIdentifier)
            #expect(afterAll - afterFirst < 1024, "private memory went from \(afterFirst) kB after the first job to \(afterAll) kB after 13")
        } cleanup: {
            await server.stop()
        }
    }
}
