import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

@Suite struct JobPlannerTests {
    static func planner(_ dir: TemporaryDirectory, env: [String: String] = [:]) -> JobPlanner {
        JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 1000, environment: env)
    }

    static func spec(_ json: String) throws -> JobSpec {
        try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
    }

    @Test func collectsEveryErrorInDocumentOrder() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let spec = try Self.spec(#"""
        {"name":"x","source":{"type":"file","config":{"path":"\#(dir.file("a.csv"))","delimiter":";;"}},
         "transforms":[{"operation":"filter","config":{"field":"a","operator":"like","value":1}},
                       {"operation":"aggregate","config":{"groupBy":["r"],"aggregations":{"amount":"total"}}},
                       {"operation":"nope"}],
         "target":{"type":"file","config":{"path":"\#(dir.file("out.txt"))"}}}
        """#)
        #expect(throws: JobPlanError.self) { try Self.planner(dir).plan(spec) }
        do {
            _ = try Self.planner(dir).plan(spec)
        } catch {
            #expect(error.errors.map(\.path) == [
                "source.config.delimiter", "transforms[0].config.operator", "transforms[1].config.aggregations.amount",
                "transforms[2].operation", "target.config.format",
            ])
            #expect(error.errors[2].message == "transforms[1].config.aggregations.amount: unknown aggregation 'total'; expected one of sum, avg, min, max, count, median, stddev, countDistinct, countNonNull, variance, variance_pop, stddev_pop, percentile, first, last, collect")
            #expect(!error.forbidden)
        }
    }

    @Test func forbiddenPathsAreFlagged() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let spec = try Self.spec(#"{"name":"x","source":{"type":"file","config":{"path":"/etc/passwd","format":"csv"}},"target":{"type":"file","config":{"path":"\#(dir.file("o.json"))"}}}"#)
        do {
            _ = try Self.planner(dir).plan(spec)
            Issue.record("expected a forbidden path")
        } catch {
            #expect(error.forbidden)
            #expect(error.errors.first?.path == "source.config.path")
        }
    }

    @Test func everyExampleJobBodyPlans() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for name in ["01-simple-etl.json", "02-advanced-pipeline.json", "customer-migration.json", "extract-transform.json"] {
            let text = try RepositoryFiles.text("examples/\(name)")
                .replacingOccurrences(of: "\"sample-data.json\"", with: "\"\(RepositoryFiles.path("sample-data.json"))\"")
            let planner = JobPlanner(
                registry: .builtIn, dataRoots: DataRoots([RepositoryFiles.root, "/tmp", dir.path]), batchSize: 100,
                environment: ["SLUICE_SECRET_CUSTOMERS_API_TOKEN": "t"])
            let plan = try planner.plan(try Self.spec(text))
            #expect(plan.transforms.count == (try Self.spec(text)).transforms.count, "\(name)")
        }
    }
}
