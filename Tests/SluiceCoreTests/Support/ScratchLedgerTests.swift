import Foundation
@testable import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct ScratchLedgerTests {
    @Test func aSweepRemovesEveryRecordedFileAndTheLedger() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let ledger = ScratchLedger(directory: dir.file("state/scratch"))
        let a = try dir.write("a.tmp", "x")
        let b = dir.file("b.tmp")  // recorded, never created
        try ledger.record(a, jobId: "job 1/ü")
        try ledger.record(b, jobId: "job 1/ü")
        let ledgerFile = "job%201%2F%C3%BC.scratch"
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("state/scratch")) == [ledgerFile])
        let text = try String(contentsOfFile: dir.file("state/scratch/\(ledgerFile)"), encoding: .utf8)
        #expect(text == "#owner \(ProcessIdentity.current)\n\(a)\n\(b)\n")
        #expect(ScratchLedger.jobId(fromFileName: "job%201%2F%C3%BC") == "job 1/ü")
        #expect(ledger.sweep(jobId: "job 1/ü") == [a])
        #expect(!FileManager.default.fileExists(atPath: a))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("state/scratch")) == [])
    }

    @Test func sweepAllSparesRunningJobsAndLiveProcesses() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scratch = dir.file("scratch")
        let ledger = ScratchLedger(directory: scratch)
        let mine = try dir.write("mine.tmp", "1")
        let finished = try dir.write("finished.tmp", "2")
        let dead = try dir.write("dead.tmp", "3")
        let live = try dir.write("live.tmp", "4")
        try ledger.record(mine, jobId: "running-here")
        try ledger.record(finished, jobId: "ended-here")
        // Ledgers another process wrote: one whose process is gone, one whose process (pid 1) lives.
        try "#owner 999999999:1\n\(dead)\n".write(toFile: "\(scratch)/dead-job.scratch", atomically: true, encoding: .utf8)
        let initIdentity = try #require(ProcessIdentity.identity(of: 1))
        try "#owner \(initIdentity)\n\(live)\n".write(toFile: "\(scratch)/live-job.scratch", atomically: true, encoding: .utf8)

        let removed = ledger.sweepAll(keeping: ["running-here"]).sorted()
        #expect(removed == [dead, finished].sorted())
        #expect(FileManager.default.fileExists(atPath: mine))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).sorted() == ["live-job.scratch", "running-here.scratch"])
    }

    @Test func processIdentityTellsALiveProcessFromADeadOrReusedPid() throws {
        #expect(ProcessIdentity.isAlive(ProcessIdentity.current))
        let initIdentity = try #require(ProcessIdentity.identity(of: 1))
        #expect(ProcessIdentity.isAlive(initIdentity))
        #expect(!ProcessIdentity.isAlive("1:999999999999"))  // pid 1 now, but started at another time
        #expect(!ProcessIdentity.isAlive("999999999:1"))
        #expect(!ProcessIdentity.isAlive("garbage"))
    }
}
