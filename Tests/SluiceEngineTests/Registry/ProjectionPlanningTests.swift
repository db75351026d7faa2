import Logging
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceEngine

/// The planner pushes the fields a job reads down to its source (projection pushdown).
@Suite struct ProjectionPlanningTests {
    static func plan(_ json: String, dir: TemporaryDirectory) throws -> JobPlan {
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
        return try JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 50, environment: [:]).plan(spec)
    }

    static func job(_ dir: TemporaryDirectory, input: String = "in.ndjson", schema: String = "", transforms: String) -> String {
        #"""
        {"name":"p","source":{"type":"file","config":{"path":"\#(dir.file(input))"}\#(schema)},
         "transforms":[\#(transforms)],
         "target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}
        """#
    }

    static let filterThenAggregate = #"""
        {"operation":"filter","config":{"field":"status","operator":"eq","value":"active"}},
        {"operation":"aggregate","config":{"groupBy":["region"],"aggregations":{"amount":["sum","count"]}}}
        """#

    @Test func filtersAndAnAggregateNarrowTheSourceToWhatTheyRead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let plan = try Self.plan(Self.job(dir, transforms: Self.filterThenAggregate), dir: dir)
        #expect(JobPlanner.sourceDemand(validator: plan.validator, steps: plan.transforms) == .only(["status", "region", "amount"]))
    }

    @Test func aSchemaOrAnUnawareStepKeepsEveryField() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let withSchema = try Self.plan(
            Self.job(dir, schema: #","schema":{"fields":[{"name":"amount","type":"number"}]}"#, transforms: Self.filterThenAggregate), dir: dir)
        #expect(JobPlanner.sourceDemand(validator: withSchema.validator, steps: withSchema.transforms) == .all)
        let withMap = try Self.plan(
            Self.job(dir, transforms: #"{"operation":"map","config":{"mapping":{"a":"status"}}},"# + Self.filterThenAggregate), dir: dir)
        #expect(JobPlanner.sourceDemand(validator: withMap.validator, steps: withMap.transforms) == .all)
        let filterOnly = try Self.plan(
            Self.job(dir, transforms: #"{"operation":"filter","config":{"field":"status","operator":"eq","value":"active"}}"#), dir: dir)
        #expect(JobPlanner.sourceDemand(validator: filterOnly.validator, steps: filterOnly.transforms) == .all)
    }

    /// A join renames an added field that clashes with one of the record's (`segment_right`);
    /// an aggregate over the renamed field must still see the record's own `segment`, or the
    /// added field would keep its plain name and the group would be lost.
    @Test func aJoinKeepsTheFieldsThatDecideItsRenames() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.ndjson", """
            {"id":1,"customer_id":10,"segment":"left-a","total":5,"noise":{"deep":[1,2,3]}}
            {"id":2,"customer_id":11,"segment":"left-b","total":7,"noise":"x"}
            {"id":3,"customer_id":10,"segment":"left-c","total":1.5}
            {"id":4,"customer_id":12,"segment":"left-d","total":100}

            """)
        try dir.write("customers.csv", "customer_id,segment,country\n10,retail,PE\n11,wholesale,CL\n")
        let transforms = #"""
            {"operation":"join","config":{"with":{"type":"file","config":{"path":"\#(dir.file("customers.csv"))"}},"on":"customer_id","type":"inner"}},
            {"operation":"aggregate","config":{"groupBy":["segment_right"],"aggregations":{"total":"sum"}}}
            """#
        let plan = try Self.plan(Self.job(dir, transforms: transforms), dir: dir)
        #expect(JobPlanner.sourceDemand(validator: nil, steps: plan.transforms) == .only(["segment_right", "segment", "customer_id", "total"]))
        let outcome = await JobRunner.run(plan, settings: RunSettings(workers: 2), logger: Logger(label: "t"))
        #expect(outcome.failure == nil)
        let written = try String(contentsOfFile: dir.file("out.json"), encoding: .utf8)
        #expect(written == "[\n" + #"{"segment_right":"retail","total":6.5},"# + "\n" + #"{"segment_right":"wholesale","total":7}"# + "\n]\n")
        #expect(outcome.stats.recordsExtracted == 4)
        #expect(outcome.stageFields.first == ["customer_id", "segment", "total"])
    }

    /// A projected NDJSON run gives the same output as the same query with every field read.
    @Test func projectedAndFullRunsAgree() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var lines = ""
        for i in 0..<5000 {
            let status = ["active", "inactive", "pending"][i % 3]
            lines += #"{"id":\#(i),"status":"\#(status)","region":"r\#(i % 7)","tags":["a","b"],"address":{"zip":"\#(i)"},"amount":\#(Double(i % 1000) / 4)}"# + "\n"
        }
        try dir.write("in.ndjson", lines)
        let projected = try Self.plan(Self.job(dir, transforms: Self.filterThenAggregate), dir: dir)
        let full = try Self.plan(
            Self.job(dir, transforms: #"{"operation":"map","config":{"mapping":{"status":"status","region":"region","amount":"amount"}}},"# + Self.filterThenAggregate),
            dir: dir)
        #expect(JobPlanner.sourceDemand(validator: nil, steps: full.transforms) == .all)
        var outputs: [String] = []
        for plan in [projected, full] {
            let outcome = await JobRunner.run(plan, settings: RunSettings(workers: 2, blockBytes: 4096), logger: Logger(label: "t"))
            #expect(outcome.failure == nil)
            outputs.append(try String(contentsOfFile: dir.file("out.json"), encoding: .utf8))
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].hasPrefix("[\n" + #"{"region":"r0","amount_sum":29815.25,"amount_count":239},"#))
    }
}
