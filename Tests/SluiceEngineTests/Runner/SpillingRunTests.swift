import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// Jobs whose stateful steps hold many times their memory budget spill to disk and give
/// byte for byte the output of the same job run in memory; the run's stats count the bytes
/// spilled; and whether the run succeeds, fails or is cancelled, no spill file is left on
/// disk or open in the process.
@Suite struct SpillingRunTests {
    /// A budget far below what the steps hold (the input is about 3.5 MB of CSV, held as
    /// columns it takes more), above what stays in memory when they spill (2,000 customers).
    static let tinyBudget = 4 << 20

    static let steps = [
        ("sort", #"{"operation": "sort", "config": {"by": [{"field": "amount", "direction": "desc"}, "name"]}}"#),
        ("window", #"{"operation": "window", "config": {"partitionBy": ["customer"], "orderBy": [{"field": "amount"}, {"field": "id"}], "functions": [{"function": "row_number", "as": "rn"}, {"function": "lag", "field": "amount", "as": "prev"}, {"function": "sum", "field": "amount", "as": "running"}]}}"#),
        ("dedupe", #"{"operation": "dedupe", "config": {"fields": ["amount", "region"]}}"#),
        ("dedupe-last", #"{"operation": "dedupe", "config": {"fields": ["customer"], "keep": "last"}}"#),
        ("aggregate", #"{"operation": "aggregate", "config": {"groupBy": ["customer", "region"], "aggregations": {"amount": ["sum", "min", "max", "median", "count"], "name": "countDistinct"}}}"#),
    ]

    /// 80,000 orders over 2,000 customers, with empty amounts and quoted names.
    static func orders() -> String {
        var csv = "id,customer,region,name,amount\n"
        for i in 0..<80_000 {
            let amount = i % 17 == 0 ? "" : String((i * 7919) % 100_000)
            csv += "\(i),c\((i * 31) % 2000),\(["north", "south", "east"][i % 3]),\"n, \(i % 500)\",\(amount)\n"
        }
        return csv
    }

    static func job(_ step: String, input: String, output: String) -> String {
        #"{"name": "spill", "source": {"type": "file", "config": {"path": "\#(input)"}}, "transforms": [\#(step)], "#
            + #""target": {"type": "file", "config": {"path": "\#(output)", "format": "ndjson"}}}"#
    }

    static func plan(_ json: String, dir: TemporaryDirectory) throws -> JobPlan {
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
        return try JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 2000, environment: [:]).plan(spec)
    }

    /// The spill files of this process that are still open (unnamed files show as
    /// `…/(deleted)` or `/#NNN (deleted)` links under /proc/self/fd).
    static func openSpillFiles(in directory: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { fd in
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? "").hasPrefix(directory + "/")
        }.count
    }

    /// The first line where `a` and `b` differ, so a failure does not print megabytes.
    static func firstDifferentLine(_ a: String, _ b: String) -> String? {
        let (x, y) = (a.split(separator: "\n"), b.split(separator: "\n"))
        guard let i = zip(x, y).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else {
            return x.count == y.count ? nil : "\(x.count) lines vs \(y.count)"
        }
        return "line \(i + 1): \(x[i]) vs \(y[i])"
    }

    static func settings(workers: Int, budget: Int, spill: String) -> RunSettings {
        var settings = RunSettings(workers: workers, blockBytes: 256 << 10)
        settings.memoryLimitBytes = budget
        settings.spillDirectory = spill
        return settings
    }

    @Test(arguments: steps.map(\.0))
    func aSpillingJobWritesExactlyWhatTheInMemoryJobWrites(step name: String) async throws {
        let step = try #require(Self.steps.first { $0.0 == name }?.1)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let input = try dir.write("orders.csv", Self.orders())
        let spill = dir.file("spill")
        for workers in [1, 2] {
            let inMemory = await JobRunner.run(
                try Self.plan(Self.job(step, input: input, output: dir.file("memory.ndjson")), dir: dir),
                settings: Self.settings(workers: workers, budget: 2 << 30, spill: spill), logger: Logger(label: "spill"))
            let spilled = await JobRunner.run(
                try Self.plan(Self.job(step, input: input, output: dir.file("spilled.ndjson")), dir: dir),
                settings: Self.settings(workers: workers, budget: Self.tinyBudget, spill: spill), logger: Logger(label: "spill"))
            #expect(inMemory.failure == nil)
            #expect(spilled.failure == nil)
            #expect(inMemory.stats.resources?.spilledBytes == 0)
            #expect((spilled.stats.resources?.spilledBytes ?? 0) > 1 << 20, "\(name) spilled")
            #expect((spilled.stats.resources?.spillFiles ?? 0) > 1)
            #expect(spilled.stats.recordsLoaded == inMemory.stats.recordsLoaded)
            let expected = try dir.read("memory.ndjson")
            #expect(!expected.isEmpty)
            let got = try dir.read("spilled.ndjson")
            #expect(got == expected, "\(name), \(workers) workers: \(Self.firstDifferentLine(got, expected) ?? "")")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: spill)) ?? []).isEmpty)
            #expect(Self.openSpillFiles(in: spill) == 0)
        }
    }

    /// A sort spills, then the pivot after it (which keeps its state in memory) goes over the
    /// budget: the job fails naming the pivot, and every spill file is gone.
    @Test func aJobThatFailsAfterSpillingLeavesNoSpillFile() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let input = try dir.write("orders.csv", Self.orders())
        let spill = dir.file("spill")
        let steps = #"{"operation": "sort", "config": {"by": ["amount"]}}, {"operation": "pivot", "config": {"index": ["id"], "column": "region", "value": "amount", "aggregate": "sum"}}"#
        try dir.write("out.ndjson", "untouched\n")
        let outcome = await JobRunner.run(
            try Self.plan(Self.job(steps, input: input, output: dir.file("out.ndjson")), dir: dir),
            settings: Self.settings(workers: 2, budget: 1 << 20, spill: spill), logger: Logger(label: "spill"))
        let failure = try #require(outcome.failure)
        #expect(failure.contains("transforms[1] (pivot)"), "\(failure)")
        #expect(failure.contains("MAX_MEMORY_MB"))
        #expect((outcome.stats.resources?.spilledBytes ?? 0) > 0)
        #expect(try dir.read("out.ndjson") == "untouched\n")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: spill)) ?? []).isEmpty)
        #expect(Self.openSpillFiles(in: spill) == 0)
    }

    /// A sort spills while the source still reads, then the run is cancelled: no spill file
    /// outlives it.
    @Test func aCancelledJobLeavesNoSpillFile() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let spill = dir.file("spill")
        var registry = ComponentRegistry.builtIn
        registry.registerSource(ScriptedSource.self)
        let key = "spill-cancel-\(UUID().uuidString)"
        let holds = ScriptedSource.Holds.stream(key)
        let json = #"{"name": "cancel", "source": {"type": "scripted", "config": {"rows": 5000, "batches": 40, "then": "hold", "hold": "\#(key)"}}, "#
            + #""transforms": [{"operation": "sort", "config": {"by": [{"field": "amount", "direction": "desc"}]}}], "#
            + #""target": {"type": "file", "config": {"path": "\#(dir.file("out.ndjson"))", "format": "ndjson"}}}"#
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
        let plan = try JobPlanner(registry: registry, dataRoots: DataRoots([dir.path]), batchSize: 5000, environment: [:]).plan(spec)
        let settings = Self.settings(workers: 1, budget: Self.tinyBudget, spill: spill)
        let run = Task {
            let outcome = await JobRunner.run(plan, settings: settings, logger: Logger(label: "spill"))
            ScriptedSource.Holds.finish(key)
            return outcome
        }
        var signals = holds.makeAsyncIterator()
        let held = await signals.next() != nil
        #expect(held, "the run ended before its source held")
        #expect(Self.openSpillFiles(in: spill) > 0, "the sort has spilled runs open while the source holds")
        run.cancel()
        let outcome = await run.value
        #expect(outcome.failure?.hasPrefix("cancelled") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.ndjson")))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: spill)) ?? []).isEmpty)
        #expect(Self.openSpillFiles(in: spill) == 0)
    }

    /// The README's example (`examples/sort-beyond-memory.json`) gives the same file in a
    /// budget far below its data as in memory.
    @Test func theReadmeSortExampleSpillsToTheSameOutput() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let example = try RepositoryFiles.text("examples/sort-beyond-memory.json")
            .replacingOccurrences(of: "\"sample-data.json\"", with: "\"\(RepositoryFiles.path("sample-data.json"))\"")
        let spill = dir.file("spill")
        var outputs: [String] = []
        for (budget, name) in [(2 << 30, "memory.ndjson"), (16 << 10, "spilled.ndjson")] {
            let json = example.replacingOccurrences(of: "/tmp/orders-by-amount.ndjson", with: dir.file(name))
            let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
            let plan = try JobPlanner(
                registry: .builtIn, dataRoots: DataRoots([dir.path, RepositoryFiles.root]), batchSize: 20, environment: [:]
            ).plan(spec)
            let outcome = await JobRunner.run(plan, settings: Self.settings(workers: 1, budget: budget, spill: spill), logger: Logger(label: "spill"))
            #expect(outcome.failure == nil)
            #expect(outcome.stats.recordsLoaded == 300)
            #expect(((outcome.stats.resources?.spilledBytes ?? 0) > 0) == (budget < 1 << 20))
            outputs.append(try dir.read(name))
        }
        #expect(outputs[0] == outputs[1])
        let amounts = outputs[0].split(separator: "\n").compactMap { (try? JSONParser.parse(String($0)))?.objectValue?["amount"]?.number }
        #expect(amounts.count == 300)
        #expect(amounts == amounts.sorted(by: >))
        #expect(Self.openSpillFiles(in: spill) == 0)
    }
}
