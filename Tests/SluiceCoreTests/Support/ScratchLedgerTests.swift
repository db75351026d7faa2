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

    @Test func anAppendHoldIsOneDurableLineThatReleaseRemoves() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scratch = dir.file("state/scratch")
        let ledger = ScratchLedger(directory: scratch)
        let file = try dir.write("out put.ndjson", "{\"a\":1}\n")
        try ledger.holdAppend(file, length: 8, jobId: "job 1/ü")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch) == ["job%201%2F%C3%BC.append"])
        let identity = try Self.identity(file)
        #expect(try String(contentsOfFile: "\(scratch)/job%201%2F%C3%BC.append", encoding: .utf8) == "#owner \(ProcessIdentity.current)\n8 \(identity) \(file)\n")
        // A later hold of the job replaces it.
        try ledger.holdAppend(file, length: 12, jobId: "job 1/ü")
        #expect(try String(contentsOfFile: "\(scratch)/job%201%2F%C3%BC.append", encoding: .utf8) == "#owner \(ProcessIdentity.current)\n12 \(identity) \(file)\n")
        try ledger.releaseAppend(jobId: "job 1/ü")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch) == [])
        try ledger.releaseAppend(jobId: "job 1/ü")  // nothing held: nothing to do
        #expect(ledger.sweep(jobId: "job 1/ü") == [])
        #expect(try dir.read("out put.ndjson") == "{\"a\":1}\n")

        // A ledger with no directory holds nothing.
        try ScratchLedger.disabled.holdAppend(file, length: 0, jobId: "x")
        try ScratchLedger.disabled.releaseAppend(jobId: "x")
        #expect(ScratchLedger.disabled.sweep(jobId: "x") == [])
        #expect(ScratchLedger.disabled.sweepAll(keeping: []) == [])
        #expect(try dir.read("out put.ndjson") == "{\"a\":1}\n")
    }

    /// A crash mid-append: the hold was made, bytes went past the held length, no commit.
    @Test func sweepingAJobCutsTheFileItHeldBackToTheHeldLength() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scratch = dir.file("scratch")
        let ledger = ScratchLedger(directory: scratch)
        let file = try dir.write("out.csv", "a,b\n1,2\n")
        let shorter = try dir.write("shorter.csv", "a,b\n")
        try ledger.holdAppend(file, length: 8, jobId: "crashed")
        try ledger.record(dir.file("crashed.tmp"), jobId: "crashed")
        try Self.append("3,4\n5,", to: file)
        // A hold whose file is not longer than held is only removed.
        try ledger.holdAppend(shorter, length: 8, jobId: "other")

        #expect(ledger.sweep(jobId: "crashed") == [file])
        #expect(try dir.read("out.csv") == "a,b\n1,2\n")
        #expect(ledger.sweep(jobId: "other") == [])
        #expect(try dir.read("shorter.csv") == "a,b\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch) == [])

        // A file renamed over the held one since is not the one held: it is left whole.
        try ledger.holdAppend(file, length: 4, jobId: "replaced")
        let replacement = try dir.write("replacement.csv", "x,y\n7,8\n")
        #expect(rename(replacement, file) == 0)
        #expect(ledger.sweep(jobId: "replaced") == [])
        #expect(try dir.read("out.csv") == "x,y\n7,8\n")

        // A held file that is gone: the hold is removed, nothing created.
        try ledger.holdAppend(dir.file("gone.csv"), length: 3, jobId: "gone")
        #expect(ledger.sweep(jobId: "gone") == [])
        #expect(!FileManager.default.fileExists(atPath: dir.file("gone.csv")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch) == [])
    }

    @Test func sweepAllCutsBackTheHoldsOfEndedJobsAndSparesRunningOnesAndLiveProcesses() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scratch = dir.file("scratch")
        let ledger = ScratchLedger(directory: scratch)
        var files: [String: String] = [:]
        for name in ["mine", "finished", "dead", "live"] {
            files[name] = try dir.write("\(name) file.ndjson", "{\"n\":1}\n")
        }
        let mine = try #require(files["mine"]), finished = try #require(files["finished"])
        let dead = try #require(files["dead"]), live = try #require(files["live"])
        try ledger.holdAppend(mine, length: 8, jobId: "running-here")
        try ledger.holdAppend(finished, length: 8, jobId: "ended-here")
        // Holds another process wrote: one whose process is gone, one whose process (pid 1) lives.
        try "#owner 999999999:1\n8 \(dead)\n".write(toFile: "\(scratch)/dead-job.append", atomically: true, encoding: .utf8)
        let initIdentity = try #require(ProcessIdentity.identity(of: 1))
        try "#owner \(initIdentity)\n8 \(live)\n".write(toFile: "\(scratch)/live-job.append", atomically: true, encoding: .utf8)
        // A hold a dead process was still writing (never renamed into place): it held nothing.
        try "#owner 999999999:1\n".write(toFile: "\(scratch)/half-job.append.tmp", atomically: true, encoding: .utf8)
        for file in [mine, finished, dead, live] { try Self.append("{\"n\":2}\n{\"n\"", to: file) }

        let cut = ledger.sweepAll(keeping: ["running-here"]).sorted()
        #expect(cut == [dead, finished].sorted())
        #expect(try String(contentsOfFile: dead, encoding: .utf8) == "{\"n\":1}\n")
        #expect(try String(contentsOfFile: finished, encoding: .utf8) == "{\"n\":1}\n")
        #expect(try String(contentsOfFile: mine, encoding: .utf8) == "{\"n\":1}\n{\"n\":2}\n{\"n\"")
        #expect(try String(contentsOfFile: live, encoding: .utf8) == "{\"n\":1}\n{\"n\":2}\n{\"n\"")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).sorted() == ["live-job.append", "running-here.append"])
    }

    /// `<device>:<inode>` of the file at `path`, as a hold names it.
    static func identity(_ path: String) throws -> String {
        var info = stat()
        try #require(lstat(path, &info) == 0)
        return "\(info.st_dev):\(info.st_ino)"
    }

    /// Appends `text` to the file at `path`, as a writer would before a crash.
    static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
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
