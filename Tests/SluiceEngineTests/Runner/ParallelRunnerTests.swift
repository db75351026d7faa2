import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// The parallel block pipeline must give exactly what a sequential read gives: the same rows
/// in the same order, the same rejections with the same line numbers.
@Suite struct ParallelRunnerTests {
    static func plan(_ json: String, dir: TemporaryDirectory, registry: ComponentRegistry = .builtIn, batchSize: Int = 700) throws -> JobPlan {
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
        return try JobPlanner(registry: registry, dataRoots: DataRoots([dir.path]), batchSize: batchSize, environment: [:]).plan(spec)
    }

    /// A CSV with quoted delimiters, escaped quotes, line breaks inside quotes, CRLF rows, a
    /// BOM and rows with the wrong field count; returns it with the expected bad lines.
    static func trickyCSV(rows: Int) -> (text: String, badLines: [Int], kept: Int) {
        var text = "\u{FEFF}id,name,note,amount\n"
        var line = 2
        var bad: [Int] = []
        var kept = 0
        for i in 0..<rows {
            switch i % 9 {
            case 0: text += "\(i),\"Smith, John\",\"said \"\"hi\"\"\",\(i % 50)\n"; line += 1; kept += 1
            case 1: text += "\(i),plain,\"two\nlines\",\(i % 50)\n"; line += 2; kept += 1
            case 2: text += "\(i),crlf,x,\(i % 50)\r\n"; line += 1; kept += 1
            case 3: text += "\(i),short\n"; bad.append(line); line += 1
            case 4: text += "\(i),\"quote at end\"\"\",\"\",\(i % 50)\n"; line += 1; kept += 1
            default: text += "\(i),n\(i),,\(i % 50)\n"; line += 1; kept += 1
            }
        }
        return (text, bad, kept)
    }

    @Test(arguments: [1, 2, 4])
    func csvBlocksMatchASequentialReadExactly(workers: Int) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let csv = Self.trickyCSV(rows: 30_000)
        try dir.write("in.csv", csv.text)
        let output = dir.file("out-\(workers).ndjson")
        let job = #"""
        {"name":"p","source":{"type":"file","config":{"path":"\#(dir.file("in.csv"))"}},
         "transforms":[{"operation":"filter","config":{"field":"amount","operator":"lt","value":40}}],
         "target":{"type":"file","config":{"path":"\#(output)"}}}
        """#
        // Tiny blocks so a run has hundreds of them and every kind of row lands on a cut.
        let parallel = await JobRunner.run(
            try Self.plan(job, dir: dir), settings: RunSettings(workers: workers, blockBytes: 4096), logger: Logger(label: "t"))
        #expect(parallel.failure == nil)
        #expect(parallel.stats.resources?.workers == workers)
        #expect(parallel.stats.recordsExtracted == 30_000)
        #expect(parallel.stats.bytesRead == csv.text.utf8.count)
        #expect(parallel.rejections.map(\.position) == csv.badLines)
        for r in parallel.rejections where !csv.badLines.contains(r.position ?? -1) { print("EXTRA", r) }
        #expect(parallel.rejections.first?.reasons == ["line \(csv.badLines[0]): expected 4 fields, found 2"])
        let lines = try dir.read("out-\(workers).ndjson").split(separator: "\n").map { try JSONParser.parse(String($0)) }
        // The expected rows, computed without Sluice's decoders.
        var expected: [Value] = []
        for i in 0..<30_000 where i % 9 != 3 && i % 50 < 40 {
            let name: String
            let note: Value
            switch i % 9 {
            case 0: name = "Smith, John"; note = "said \"hi\""
            case 1: name = "plain"; note = "two\nlines"
            case 2: name = "crlf"; note = "x"
            case 4: name = "quote at end\""; note = ""
            default: name = "n\(i)"; note = nil
            }
            var o = ValueObject()
            o["id"] = .int(i)
            o["name"] = .string(name)
            o["note"] = note
            o["amount"] = .int(i % 50)
            expected.append(.object(o))
        }
        #expect(lines.count == expected.count)
        #expect(lines == expected)
    }

    @Test func ndjsonBlocksKeepLineNumbersAndOrder() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var text = ""
        var bad: [Int] = []
        for i in 1...20_000 {
            if i % 997 == 0 {
                text += "{\"id\": \(i), broken\n"
                bad.append(i)
            } else {
                text += "{\"id\":\(i),\"v\":\(i % 7)}\n"
            }
        }
        try dir.write("in.ndjson", text)
        let job = #"{"name":"p","source":{"type":"file","config":{"path":"\#(dir.file("in.ndjson"))"}},"transforms":[],"target":{"type":"file","config":{"path":"\#(dir.file("out.csv"))"}}}"#
        let outcome = await JobRunner.run(try Self.plan(job, dir: dir), settings: RunSettings(workers: 3, blockBytes: 4096), logger: Logger(label: "t"))
        #expect(outcome.rejections.map(\.position) == bad)
        let rows = try dir.read("out.csv").split(separator: "\n").dropFirst()
        #expect(rows.map(String.init) == (1...20_000).filter { $0 % 997 != 0 }.map { "\($0),\($0 % 7)" })
    }

    @Test func aStreamingJobOverAFileTenTimesTheMemoryLimitCompletes() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var text = "id,region,amount\n"
        text.reserveCapacity(22 << 20)
        var i = 0
        while text.utf8.count < 21 << 20 {  // > 10 × the 2 MB limit below
            text += "\(i),region-\(i % 5),\(i % 1000).25\n"
            i += 1
        }
        try dir.write("big.csv", text)
        let job = #"""
        {"name":"big","source":{"type":"file","config":{"path":"\#(dir.file("big.csv"))"}},
         "transforms":[{"operation":"filter","config":{"field":"amount","operator":"gte","value":500}},
                       {"operation":"aggregate","config":{"groupBy":["region"],"aggregations":{"amount":"sum","n":"count"}}}],
         "target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}
        """#
        let outcome = await JobRunner.run(
            try Self.plan(job, dir: dir, batchSize: 4096), settings: RunSettings(workers: 2, memoryLimitMB: 2), logger: Logger(label: "t"))
        #expect(outcome.failure == nil)
        #expect(outcome.stats.recordsExtracted == i)
        #expect(outcome.stats.recordsLoaded == 5)
        #expect((outcome.stats.resources?.peakStateBytes ?? .max) < 2 << 20)
        let out = try #require(try JSONParser.parse(try dir.read("out.json")).arrayValue)
        let counted = out.compactMap { $0.objectValue?["n"]?.number }.reduce(0, +)
        #expect(Int(counted) == (0..<i).filter { $0 % 1000 >= 500 }.count)
    }

    /// A step that keeps its state in memory (a pivot with one output record per id) over
    /// the limit fails its job with a message naming the step and the limit, and leaves the
    /// target as it was; a job beside it goes on. The same number of groups in an aggregate,
    /// which spills, completes with every group.
    @Test func aJobOverTheMemoryLimitFailsNamingTheLimitAndTheStep() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var text = "id,amount,region\n"
        for i in 0..<100_000 { text += "\(i),\(i % 10),r\(i % 3)\n" }
        try dir.write("in.csv", text)
        try dir.write("out.json", "[\"untouched\"]")
        let job = #"""
        {"name":"huge pivot","source":{"type":"file","config":{"path":"\#(dir.file("in.csv"))"}},
         "transforms":[{"operation":"pivot","config":{"index":["id"],"column":"region","value":"amount","aggregate":"sum"}}],
         "target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}
        """#
        var settings = RunSettings(workers: 2, memoryLimitMB: 1)
        settings.spillDirectory = dir.file("spill")
        let failingPlan = try Self.plan(job, dir: dir)
        async let failing = JobRunner.run(failingPlan, settings: settings, logger: Logger(label: "t"))
        let small = #"{"name":"ok","source":{"type":"file","config":{"path":"\#(dir.file("in.csv"))"}},"transforms":[{"operation":"aggregate","config":{"groupBy":["amount"],"aggregations":{"id":"count"}}}],"target":{"type":"file","config":{"path":"\#(dir.file("ok.json"))"}}}"#
        let finePlan = try Self.plan(small, dir: dir)
        async let fine = JobRunner.run(finePlan, settings: settings, logger: Logger(label: "t"))
        let (failed, passed) = await (failing, fine)
        let message = try #require(failed.failure)
        #expect(message.contains("transforms[0] (pivot)"))
        #expect(message.contains("over the memory limit of 1 MB (MAX_MEMORY_MB)"))
        #expect(try dir.read("out.json") == "[\"untouched\"]")
        #expect(passed.failure == nil)
        #expect(passed.stats.recordsLoaded == 10)

        let groups = #"{"name":"many groups","source":{"type":"file","config":{"path":"\#(dir.file("in.csv"))"}},"transforms":[{"operation":"aggregate","config":{"groupBy":["id"],"aggregations":{"amount":"sum"}}}],"target":{"type":"file","config":{"path":"\#(dir.file("groups.json"))"}}}"#
        let spilled = await JobRunner.run(try Self.plan(groups, dir: dir), settings: settings, logger: Logger(label: "t"))
        #expect(spilled.failure == nil)
        #expect(spilled.stats.recordsLoaded == 100_000)
        #expect((spilled.stats.resources?.spilledBytes ?? 0) > 0)
        let out = try #require(try JSONParser.parse(try dir.read("groups.json")).arrayValue)
        #expect(out.count == 100_000)
        #expect(out.first?.objectValue?["id"] == .int(0))
        #expect(out.last?.objectValue?["amount"] == .int(99_999 % 10))
    }

    /// An aggregate after a filter is consumed block by block on the workers and the block
    /// states are merged in order: the groups, their first-seen order and every exact result
    /// equal a sequential run over the same records (a JSON array, which is not split).
    @Test(arguments: [1, 2, 3])
    func mergedBlockAggregatesEqualASequentialRun(workers: Int) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var csv = "id,region,product,amount,note\n"
        var json: [String] = []
        for i in 0..<40_000 {
            // Groups keep appearing late (product grows with i), amounts are exact in binary.
            let region = ["north", "south", "east", "west", "center"][(i * 7) % 5]
            let product = "p\(i / 3000 + (i % 11 == 0 ? 20 : 0))"
            let amount = i % 13 == 0 ? "" : "\(Double((i * 37) % 4000) / 8)"
            csv += "\(i),\(region),\(product),\(amount),\"n, \(i)\"\n"
            json.append(#"{"id":\#(i),"region":"\#(region)","product":"\#(product)","amount":\#(amount.isEmpty ? "null" : amount),"note":"n, \#(i)"}"#)
        }
        try dir.write("in.csv", csv)
        try dir.write("in.json", "[" + json.joined(separator: ",\n") + "]")
        func job(_ input: String, _ output: String) -> String {
            #"""
            {"name":"agg","source":{"type":"file","config":{"path":"\#(dir.file(input))"}},
             "transforms":[{"operation":"filter","config":{"field":"id","operator":"ne","value":5}},
                           {"operation":"aggregate","config":{"groupBy":["region","product"],
                            "aggregations":{"amount":["sum","avg","count","min","max","median"],"id":"count"}}}],
             "target":{"type":"file","config":{"path":"\#(dir.file(output))","format":"ndjson"}}}
            """#
        }
        let blocks = await JobRunner.run(
            try Self.plan(job("in.csv", "blocks.ndjson"), dir: dir), settings: RunSettings(workers: workers, blockBytes: 4096),
            logger: Logger(label: "t"))
        let sequential = await JobRunner.run(
            try Self.plan(job("in.json", "sequential.ndjson"), dir: dir), settings: RunSettings(workers: workers), logger: Logger(label: "t"))
        #expect(blocks.failure == nil)
        #expect(sequential.failure == nil)
        let merged = try dir.read("blocks.ndjson")
        #expect(merged == (try dir.read("sequential.ndjson")))
        #expect(merged.split(separator: "\n").count == 140)
        #expect(blocks.stats.recordsExtracted == 40_000)
        #expect(blocks.stageFields[1] == ["id", "region", "product", "amount"])
    }

    /// A stateful step's whole output arrives as one batch at the end; with several workers it
    /// is encoded in slices at once and written in order: the bytes equal a one-worker run's.
    @Test func aLargeFinalOutputIsEncodedInParallelInOrder() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var csv = "id,key,amount,name\n"
        for i in 0..<60_000 { csv += "\(i),\(i % 45_000),\(Double(i) / 4),\"n \(i)\"\n" }
        try dir.write("in.csv", csv)
        var outputs: [String] = []
        for workers in [1, 2, 3] {
            let output = dir.file("out-\(workers).ndjson")
            let job = #"""
            {"name":"last","source":{"type":"file","config":{"path":"\#(dir.file("in.csv"))"}},
             "transforms":[{"operation":"dedupe","config":{"fields":["key"],"keep":"last"}}],
             "target":{"type":"file","config":{"path":"\#(output)"}}}
            """#
            let outcome = await JobRunner.run(try Self.plan(job, dir: dir), settings: RunSettings(workers: workers), logger: Logger(label: "t"))
            #expect(outcome.failure == nil)
            #expect(outcome.stats.recordsLoaded == 45_000)
            outputs.append(try dir.read("out-\(workers).ndjson"))
        }
        #expect(outputs[1] == outputs[0])
        #expect(outputs[2] == outputs[0])
        let lines = outputs[0].split(separator: "\n")
        #expect(lines.count == 45_000)
        // Keys 0..<15000 were last seen at ids 45000..<60000, the rest at their first and only id.
        let ids = Set(lines.compactMap { line in (try? JSONParser.parse(String(line)))?.objectValue?["id"]?.number }.map { Int($0) })
        #expect(ids == Set(15_000..<60_000))
    }
}
