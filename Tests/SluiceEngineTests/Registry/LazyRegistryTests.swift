import SluiceConnectors
import SluiceCore
import Synchronization
import Testing

@testable import SluiceEngine

/// A registry does no work per component when it is built or handed to a planner and a spec
/// reader: a component's declaration is computed when something first needs it, then kept.
@Suite struct LazyRegistryTests {
    /// A source that counts how often its declaration is computed.
    struct CountedSource: Source {
        static let type = "counted"
        static let builds = Atomic<Int>(0)

        struct Config: Decodable, Sendable {
            var rows: Int
        }

        static var declaration: ComponentDeclaration {
            builds.add(1, ordering: .relaxed)
            return ComponentDeclaration(
                summary: "Counts the computations of its declaration.",
                config: ObjectShape([.required("rows", .integer(1, 10), "Rows.")]), examples: [])
        }

        let rows: Int

        init(config: Config, context: ComponentContext) throws {
            rows = config.rows
        }

        var location: String { "counted" }

        func open() async throws -> any BatchReader {
            throw SpecError("the counted source is only planned in these tests")
        }
    }

    @Test func declarationsAreComputedOnFirstUseAndKept() throws {
        var registry = ComponentRegistry.builtIn
        registry.registerSource(CountedSource.self)
        let planner = JobPlanner(registry: registry, dataRoots: DataRoots(["/tmp"]), batchSize: 10, environment: [:])
        let reader = SpecReader(registry: registry)
        #expect(registry.sourceTypes.contains("counted"))
        #expect(CountedSource.builds.load(ordering: .relaxed) == 0)
        #expect(!registry.hasBuiltDeclaration(.source, "counted"))

        // Reading a spec checks component names, not configs: still nothing computed.
        let document = try JSONParser.parse(
            #"{"name":"lazy","source":{"type":"counted","config":{"rows":3}},"target":{"type":"file","config":{"path":"/tmp/lazy.json"}}}"#)
        let spec = try reader.job(document)
        #expect(CountedSource.builds.load(ordering: .relaxed) == 0)

        // Planning checks the config against the declaration: computed once, for every copy.
        _ = try planner.plan(spec)
        #expect(CountedSource.builds.load(ordering: .relaxed) == 1)
        #expect(registry.hasBuiltDeclaration(.source, "counted"))
        _ = try planner.plan(spec)
        #expect(registry.declaration(.source, "counted")?.summary == "Counts the computations of its declaration.")
        #expect(CountedSource.builds.load(ordering: .relaxed) == 1)

        // A bad config is still refused with its path.
        var bad = spec
        bad.source.config = ["rows": 11]
        #expect(throws: JobPlanError.self) { try planner.plan(bad) }
        #expect(CountedSource.builds.load(ordering: .relaxed) == 1)
    }

    @Test func aCopyKeepsTheComponentsRegisteredBeforeIt() {
        var registry = ComponentRegistry()
        registry.registerSource(FileSource.self)
        let copy = registry
        registry.registerSource(CountedSource.self)
        #expect(copy.sourceTypes == ["file"])
        #expect(copy.declaration(.source, "counted") == nil)
        #expect(registry.sourceTypes == ["counted", "file"])
        #expect(copy.declaration(.source, "file")?.summary == FileSource.declaration.summary)
        #expect(registry.hasBuiltDeclaration(.source, "file"))
    }
}
