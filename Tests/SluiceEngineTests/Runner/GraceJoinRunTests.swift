import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// A job whose join has a right side many times its memory budget runs as a grace hash join
/// and writes byte for byte what the same job writes in memory; the run's stats count the
/// bytes spilled, and no spill file is left on disk or open in the process. A right or full
/// join over the budget still fails, saying that only inner and left joins spill.
@Suite struct GraceJoinRunTests {
    /// Far below the right side (about 5 MB of CSV, more as columns).
    static let tinyBudget = 2 << 20

    /// 60,000 orders over customer ids 0..<130,000 (so many match nothing), some without a
    /// customer, with quoted names and a `name` field the customers have too.
    static func orders() -> String {
        var csv = "id,customer_id,name,amount\n"
        for i in 0..<60_000 {
            let customer = i % 23 == 0 ? "" : String((i &* 7919) % 130_000)
            csv += "\(i),\(customer),\"order, \(i % 97)\",\(Double((i * 37) % 4000) / 8)\n"
        }
        return csv
    }

    /// 110,000 customer rows over ids 0..<100,000 (every tenth id twice, in different rows),
    /// some without an id.
    static func customers() -> String {
        var csv = "customer_id,name,segment,country,score\n"
        for row in 0..<110_000 {
            let id = row < 100_000 ? String(row) : String((row - 100_000) * 10)
            let key = row % 101 == 0 ? "" : id
            csv += "\(key),\"customer \(row)\",\(["retail", "smb", "enterprise"][row % 3]),\(["DE", "FR", "PE", "US"][row % 4]),\(row % 1000)\n"
        }
        return csv
    }

    static func job(_ step: String, input: String, lookup: String, output: String) -> String {
        let transform = step.replacingOccurrences(of: "LOOKUP", with: lookup)
        return #"{"name": "grace", "source": {"type": "file", "config": {"path": "\#(input)"}}, "transforms": [\#(transform)], "#
            + #""target": {"type": "file", "config": {"path": "\#(output)"}}}"#
    }

    static let steps = [
        ("left", #"{"operation": "join", "config": {"with": {"type": "file", "config": {"path": "LOOKUP"}}, "on": "customer_id"}}"#),
        ("inner", #"{"operation": "join", "config": {"with": {"type": "file", "config": {"path": "LOOKUP"}}, "on": "customer_id", "type": "inner", "fields": ["score", "name"]}}"#),
        ("lookup", #"{"operation": "lookup", "config": {"with": {"type": "file", "config": {"path": "LOOKUP"}}, "on": "customer_id", "fields": ["segment"]}}"#),
    ]

    static func plan(_ json: String, dir: TemporaryDirectory) throws -> JobPlan {
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
        return try JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 2000, environment: [:]).plan(spec)
    }

    static func settings(workers: Int, budget: Int, spill: String) -> RunSettings {
        var settings = RunSettings(workers: workers, blockBytes: 256 << 10)
        settings.memoryLimitBytes = budget
        settings.spillDirectory = spill
        return settings
    }

    /// The spill files of this process still open (unnamed files show as `…/(deleted)` links).
    static func openSpillFiles(in directory: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { fd in
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? "").hasPrefix(directory + "/")
        }.count
    }

    /// The first line where `a` and `b` differ, `nil` when they are equal.
    static func firstDifference(_ a: String, _ b: String) -> String? {
        guard a != b else { return nil }
        let (x, y) = (a.split(separator: "\n", omittingEmptySubsequences: false), b.split(separator: "\n", omittingEmptySubsequences: false))
        if let i = zip(x, y).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            return "line \(i + 1): \(x[i].prefix(300)) vs \(y[i].prefix(300))"
        }
        return "\(x.count) lines vs \(y.count)"
    }

    @Test(arguments: steps.map(\.0), ["csv", "ndjson"])
    func aJoinBeyondMemoryWritesExactlyWhatTheInMemoryJoinWrites(step name: String, format: String) async throws {
        let step = try #require(Self.steps.first { $0.0 == name }?.1)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let input = try dir.write("orders.csv", Self.orders())
        let lookup = try dir.write("customers.csv", Self.customers())
        let spill = dir.file("spill")
        for workers in [1, 2] {
            let inMemory = await JobRunner.run(
                try Self.plan(Self.job(step, input: input, lookup: lookup, output: dir.file("memory.\(format)")), dir: dir),
                settings: Self.settings(workers: workers, budget: 2 << 30, spill: spill), logger: Logger(label: "grace"))
            let spilled = await JobRunner.run(
                try Self.plan(Self.job(step, input: input, lookup: lookup, output: dir.file("spilled.\(format)")), dir: dir),
                settings: Self.settings(workers: workers, budget: Self.tinyBudget, spill: spill), logger: Logger(label: "grace"))
            #expect(inMemory.failure == nil)
            #expect(spilled.failure == nil)
            #expect(inMemory.stats.resources?.spilledBytes == 0)
            #expect((spilled.stats.resources?.spilledBytes ?? 0) > 1 << 20, "\(name) spilled")
            #expect((spilled.stats.resources?.spillFiles ?? 0) > 2)
            #expect((spilled.stats.resources?.peakStateBytes ?? .max) <= Self.tinyBudget, "what the steps said they held")
            #expect(spilled.stats.recordsLoaded == inMemory.stats.recordsLoaded)
            #expect(spilled.stats.recordsLoaded > 10_000)
            let expected = try dir.read("memory.\(format)")
            #expect(!expected.isEmpty)
            #expect(Self.firstDifference(try dir.read("spilled.\(format)"), expected) == nil, "\(name), \(workers) workers")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: spill)) ?? []).isEmpty)
            #expect(Self.openSpillFiles(in: spill) == 0)
        }
    }

    /// A right or full join must hold its right side whole: over the limit the job fails,
    /// naming the step and the limit and saying that only inner and left joins spill.
    @Test(arguments: ["right", "full"])
    func aRightOrFullJoinOverTheBudgetFailsSayingWhy(kind: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let input = try dir.write("orders.csv", Self.orders())
        let lookup = try dir.write("customers.csv", Self.customers())
        try dir.write("out.csv", "untouched\n")
        let step = #"{"operation": "join", "config": {"with": {"type": "file", "config": {"path": "LOOKUP"}}, "on": "customer_id", "type": "\#(kind)"}}"#
        let outcome = await JobRunner.run(
            try Self.plan(Self.job(step, input: input, lookup: lookup, output: dir.file("out.csv")), dir: dir),
            settings: Self.settings(workers: 1, budget: Self.tinyBudget, spill: dir.file("spill")), logger: Logger(label: "grace"))
        let failure = try #require(outcome.failure)
        #expect(failure.contains("transforms[0] (join)"), "\(failure)")
        #expect(failure.contains("over the memory limit of 2 MB (MAX_MEMORY_MB)"), "\(failure)")
        #expect(failure.contains("only inner and left joins"), "\(failure)")
        #expect(try dir.read("out.csv") == "untouched\n")
    }
}
