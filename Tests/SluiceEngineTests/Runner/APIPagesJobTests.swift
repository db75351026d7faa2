import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// A paginated API job through the planner and runner: its pages are blocks that the workers
/// decode, taken back in page order, with positions across pages and the page named in a
/// rejection.
@Suite struct APIPagesJobTests {
    @Test func pagesAreDecodedByWorkersAndKeepTheirOrder() async throws {
        let server = try await LoopbackServer.api()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 4, environment: [:])
        func run(_ path: String, _ pagination: String) async throws -> (JobOutcome, [Int]) {
            let job = #"""
                {"name": "pages", "source": {"type": "api", "config": {"url": "\#(server.base)\#(path)", "recordsPath": "data", "pagination": \#(pagination)}},
                 "target": {"type": "file", "config": {"path": "\#(dir.file("out.ndjson"))"}}}
                """#
            let plan = try planner.plan(try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(job)))
            guard case .blocks = plan.read else {
                Issue.record("a paginated API source is read in blocks")
                return (await JobRunner.run(plan, settings: RunSettings(workers: 2), logger: Logger(label: "pages")), [])
            }
            let outcome = await JobRunner.run(plan, settings: RunSettings(workers: 2), logger: Logger(label: "pages"))
            let ids = try dir.read("out.ndjson").split(separator: "\n").compactMap { line -> Int? in
                guard case .object(let record) = try JSONParser.parse(String(line)), case .int(let id)? = record["id"] else { return nil }
                return id
            }
            return (outcome, ids)
        }
        let (paged, ids) = try await run("/page?n=995&per_page=10", #"{"type": "page", "pageSize": 10}"#)
        #expect(paged.failure == nil)
        #expect(ids == Array(1...995))
        #expect(paged.stats.recordsExtracted == 995)
        let (mixed, kept) = try await run("/mixed", #"{"type": "page"}"#)
        #expect(kept == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15])
        #expect(mixed.rejections.map(\.message) == ["page 2, record 3: expected an object, found string"])
        #expect(mixed.rejections.map(\.position) == [8])
    }
}
