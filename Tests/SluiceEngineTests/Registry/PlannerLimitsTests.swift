import SluiceCore
import SluiceEngine
import Testing

@Suite struct PlannerLimitsTests {
    @Test func aJobWithTooManyTransformsIsRefusedBeforeAnyIsBuilt() throws {
        let planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots(["/tmp"]), batchSize: 10, environment: [:])
        let step = TransformSpec(operation: "aggregate", config: ["groupBy": [], "aggregations": ["v": "collect"]])
        let spec = JobSpec(
            name: "deep", source: SourceSpec(type: "file", config: ["path": "/tmp/in.json"]),
            transforms: Array(repeating: step, count: 1001), target: TargetSpec(type: "file", config: ["path": "/tmp/out.json"]))
        let error = #expect(throws: JobPlanError.self) { try planner.plan(spec) }
        #expect(error?.errors == [SpecError(path: "transforms", "a job may have at most 1000 transforms, this one has 1001")])
    }
}
