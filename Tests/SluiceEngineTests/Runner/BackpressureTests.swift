import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Synchronization
import Testing

/// A slow target must slow the source down: blocks read ahead of what was written stay
/// bounded by the in-flight window (2 × workers), so memory cannot fill up.
@Suite struct BackpressureTests {
    /// Counts what the source handed out and what the target wrote.
    final class Ledger: Sendable {
        let state = Mutex((handedOut: 0, written: 0, maxAhead: 0))
        func handOut() { state.withLock { $0.handedOut += 1 } }
        func wrote() {
            state.withLock { s in
                s.written += 1
                s.maxAhead = max(s.maxAhead, s.handedOut - s.written)
            }
        }
    }

    static let ledger = Ledger()
    static let rowsPerBlock = 1000

    /// A source of `blocks` synthetic blocks of 1000 rows each.
    struct CountingSource: SplittableSource {
        static let type = "counting"
        struct Config: Decodable, Sendable { var blocks: Int }
        static let declaration = ComponentDeclaration(
            summary: "Counts the blocks read.", config: ObjectShape([.required("blocks", .integer(atLeast: 0), "Blocks to yield.")]), examples: [])
        let blocks: Int
        init(config: Config, context: ComponentContext) throws { blocks = config.blocks }
        var location: String { "counting" }
        func open() async throws -> any BatchReader { throw SpecError("blocks only") }
        func openBlocks(blockBytes: Int) async throws -> (any BlockReader)? { Blocks(total: blocks) }

        final class Blocks: BlockReader {
            let total: Int
            var next = 0
            init(total: Int) { self.total = total }
            var expectedBytes: Int? { nil }
            func nextBlock() async throws -> SourceBlock? {
                guard next < total else { return nil }
                let first = next * BackpressureTests.rowsPerBlock
                next += 1
                BackpressureTests.ledger.handOut()
                return SourceBlock(byteCount: 1) {
                    let ids = (first..<first + BackpressureTests.rowsPerBlock).map { Value.int($0) }
                    let batch = RecordBatch(fields: ["id"], columns: [Column(values: ids)], positions: ids.indices.map { first + $0 + 1 })
                    return [SourceChunk(batch: batch, bytes: 1)]
                }
            }
        }
    }

    /// A target that takes 3 ms per batch and checks the rows arrive in order.
    struct SlowTarget: Target {
        static let type = "slow"
        struct Config: Decodable, Sendable {}
        static let declaration = ComponentDeclaration(summary: "Writes slowly.", config: ObjectShape([]), examples: [])
        init(config: Config, context: ComponentContext) throws {}
        var location: String { "slow" }
        func open(batchSize: Int?) async throws -> any TargetWriter { Writer() }

        final class Writer: TargetWriter {
            var expected = 0
            func write(_ batch: RecordBatch) async throws -> Int {
                try await Task.sleep(for: .milliseconds(3))
                for row in 0..<batch.count where batch.value(row: row, column: 0) != .int(expected + row) {
                    throw SpecError("row out of order at \(expected + row)")
                }
                expected += batch.count
                BackpressureTests.ledger.wrote()
                return 0
            }
            func commit() async throws {}
            func abort() async {}
        }
    }

    @Test func aSlowTargetHoldsTheSourceBackAndOrderIsKept() async throws {
        var registry = ComponentRegistry.builtIn
        registry.registerSource(CountingSource.self)
        registry.registerTarget(SlowTarget.self)
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(
            #"{"name":"bp","source":{"type":"counting","config":{"blocks":150}},"transforms":[{"operation":"filter","config":{"field":"id","operator":"gte","value":0}}],"target":{"type":"slow","config":{}}}"#))
        let plan = try JobPlanner(registry: registry, dataRoots: DataRoots(["/tmp"]), batchSize: 1000, environment: [:]).plan(spec)
        let workers = 2
        let outcome = await JobRunner.run(plan, settings: RunSettings(workers: workers), logger: Logger(label: "t"))
        #expect(outcome.failure == nil)
        #expect(outcome.stats.recordsLoaded == 150 * Self.rowsPerBlock)
        let ledger = Self.ledger.state.withLock { $0 }
        #expect(ledger.written == 150)
        // Without backpressure the fast source would hand out all 150 blocks at once.
        #expect(ledger.maxAhead <= 2 * workers + 1, "source ran \(ledger.maxAhead) blocks ahead of the target")
    }
}
