import Logging
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceEngine
import SluiceOperators

/// The operations reference is generated from the components: every registered operation is
/// documented, every example runs through the engine and gives exactly its documented output,
/// and the committed `docs/reference.md` is the generated page.
@Suite struct ReferencePageTests {
    @Test func everyOperationIsDocumentedWithAnExample() {
        let missing = ComponentRegistry.builtIn.operations.filter {
            (ComponentRegistry.builtIn.declaration(.transform, $0)?.examples.isEmpty ?? true)
        }
        #expect(missing == [])
    }

    @Test(arguments: ComponentRegistry.builtIn.operations)
    func examplesGiveTheirDocumentedOutput(operation: String) async throws {
        let documentation = try #require(ComponentRegistry.builtIn.declaration(.transform, operation))
        for example in documentation.examples {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            for (name, content) in example.files { try dir.write(name, content) }
            try dir.write("input.json", try #require(example.input))
            let config = example.config.replacingOccurrences(of: "{dir}", with: dir.path)
            let job = #"""
                {"name": "example", "source": {"type": "file", "config": {"path": "\#(dir.file("input.json"))"}},
                 "transforms": [{"operation": "\#(operation)", "config": \#(config)}],
                 "target": {"type": "file", "config": {"path": "\#(dir.file("output.json"))"}}}
                """#
            let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(job))
            let plan = try JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 2, environment: [:]).plan(spec)
            let outcome = await JobRunner.run(plan, settings: RunSettings(workers: 2), logger: Logger(label: "docs"))
            #expect(outcome.failure == nil, "\(operation): \(example.title)")
            #expect(outcome.stats.recordsErrored == 0, "\(operation): \(example.title): \(outcome.rejections)")
            // Compared as compact JSON text: key order and `1` versus `1.0` count.
            let written = JSONText.string(try JSONParser.parse(try dir.read("output.json")))
            #expect(written == JSONText.string(try JSONParser.parse(try #require(example.output))), "\(operation): \(example.title)")
        }
    }

    @Test func theSchemaValidationExampleGivesItsDocumentedOutput() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("input.json", SchemaValidationExample.input)
        let job = #"""
            {"name": "schema example", "source": {"type": "file", "config": {"path": "\#(dir.file("input.json"))"},
                                                   "schema": \#(SchemaValidationExample.schema)},
             "target": {"type": "file", "config": {"path": "\#(dir.file("output.json"))"}}}
            """#
        let spec = try SpecReader.builtIn.job(try JSONParser.parse(job))
        // One batch: a record's keys follow the order its batch first saw them in.
        let plan = try JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 100, environment: [:]).plan(spec)
        let outcome = await JobRunner.run(plan, settings: RunSettings(workers: 2), logger: Logger(label: "docs"))
        #expect(outcome.failure == nil)
        let written = JSONText.string(try JSONParser.parse(try dir.read("output.json")))
        #expect(written == JSONText.string(try JSONParser.parse(SchemaValidationExample.output)), "\(written)")
        #expect(outcome.rejections.map { $0.position ?? -1 } == SchemaValidationExample.rejected.map(\.position))
        #expect(outcome.rejections.map(\.message) == SchemaValidationExample.rejected.map(\.reason))
    }

    @Test func theCommittedReferenceIsTheGeneratedOne() throws {
        let committed = try RepositoryFiles.text("docs/reference.md")
        #expect(committed == ReferencePage.markdown(), "regenerate with: swift run sluice docs > docs/reference.md")
    }
}

/// Every expression function is in the reference, and its example gives the documented result.
@Suite struct FunctionReferenceTests {
    @Test func everyFunctionIsDocumented() {
        let documented = Set(FunctionReference.entries.map(\.name))
        #expect(FunctionReference.functionNames.filter { !documented.contains($0) } == [])
        #expect(documented.subtracting(FunctionReference.functionNames).sorted() == [])
    }

    @Test func everyExampleGivesItsResult() throws {
        guard case .object(let record) = try JSONParser.parse(FunctionReference.exampleRecord) else {
            Issue.record("the example record is not an object")
            return
        }
        let batch = RecordBatch(records: [record])
        for entry in FunctionReference.entries {
            let expression = try Expression(parsing: entry.example)
            let result = expression.evaluate(batch, now: Timestamp.now())
            #expect(result.rowErrors.isEmpty, "\(entry.name): \(result.rowErrors)")
            #expect(JSONText.string(result.column.value(at: 0)) == JSONText.string(try JSONParser.parse(entry.result)), "\(entry.name): \(entry.example)")
        }
    }
}
