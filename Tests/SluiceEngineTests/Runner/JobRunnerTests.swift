import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

@Suite struct JobRunnerTests {
    static func run(_ json: String, dir: TemporaryDirectory, batchSize: Int = 1000) async throws -> JobOutcome {
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
        let plan = try JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: batchSize, environment: [:]).plan(spec)
        return await JobRunner.run(plan, settings: RunSettings(workers: 2, blockBytes: 8192), logger: Logger(label: "test"))
    }

    @Test func csvFilterAggregateCountsEveryStageAcrossManyBatches() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var csv = "id,region,status,amount\n"
        var expected: [String: (sum: Int, count: Int)] = [:]
        for i in 1...10_000 {
            let region = ["n", "s", "e"][i % 3]
            let status = i % 4 == 0 ? "inactive" : "active"
            csv += "\(i),\(region),\(status),\(i % 100)\n"
            if status == "active", i % 100 > 10 {
                expected[region, default: (0, 0)].sum += i % 100
                expected[region, default: (0, 0)].count += 1
            }
        }
        csv += "10001,n,active\n"  // wrong field count: DLQ with its line number
        try dir.write("in.csv", csv)
        let outcome = try await Self.run(#"""
        {"name":"t","source":{"type":"file","config":{"path":"\#(dir.file("in.csv"))"}},
         "transforms":[{"operation":"filter","config":{"field":"status","operator":"eq","value":"active"}},
                       {"operation":"filter","config":{"field":"amount","operator":"gt","value":10}},
                       {"operation":"aggregate","config":{"groupBy":["region"],"aggregations":{"amount":"sum","n":"count"}}}],
         "target":{"type":"file","config":{"path":"\#(dir.file("out.ndjson"))"}}}
        """#, dir: dir, batchSize: 512)
        #expect(outcome.failure == nil)
        #expect(outcome.stats.recordsExtracted == 10_001)
        #expect(outcome.stats.recordsErrored == 1)
        #expect(outcome.rejections.first?.position == 10_002)
        #expect(outcome.rejections.first?.stage == "source")
        #expect(outcome.stats.recordsLoaded == 3)
        #expect(outcome.stats.bytesRead == csv.utf8.count)
        let lines = try dir.read("out.ndjson").split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(lines.count == 3)
        for line in lines {
            guard case .object(let o) = line, case .string(let region)? = o["region"] else {
                Issue.record("bad line \(line)")
                continue
            }
            #expect(o["amount"] == .int(expected[region]?.sum ?? -1))
            #expect(o["n"] == .int(expected[region]?.count ?? -1))
        }
        // Only the fields the filters and the aggregate read are decoded (`id` is skipped).
        #expect(outcome.stageFields == [["region", "status", "amount"], ["region", "status", "amount"], ["region", "status", "amount"], ["region", "amount", "n"]])
    }

    @Test func appendModeAddsToAnExistingJSONArray() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.json", #"[{"a":1},{"a":2}]"#)
        try dir.write("out.json", #"[{"a":0}]"#)
        let job = #"{"name":"t","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"}},"transforms":[],"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))","mode":"append"}}}"#
        _ = try await Self.run(job, dir: dir)
        _ = try await Self.run(job, dir: dir)
        #expect(try JSONParser.parse(try dir.read("out.json")) == [["a": 0], ["a": 1], ["a": 2], ["a": 1], ["a": 2]])
    }

    /// A cancelled run (a schedule's timeout) stops and leaves the target as it was.
    @Test(arguments: ["in.csv", "in.json"])
    func aCancelledRunLeavesTheTargetUntouched(input: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.csv", "a\n1\n2\n")
        try dir.write("in.json", #"[{"a": 1}, {"a": 2}]"#)
        try dir.write("out.json", #"["before"]"#)
        let job = #"""
            {"name":"c","source":{"type":"file","config":{"path":"\#(dir.file(input))"}},
             "target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}
            """#
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(job))
        let plan = try JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 1, environment: [:]).plan(spec)
        let outcome = await Task { () async -> JobOutcome in
            withUnsafeCurrentTask { $0?.cancel() }
            return await JobRunner.run(plan, logger: Logger(label: "t"))
        }.value
        #expect(outcome.failure?.hasPrefix("cancelled: the run was stopped before it finished") == true)
        #expect(try dir.read("out.json") == #"["before"]"#)
        #expect(outcome.stats.recordsLoaded == 0)
    }
}
