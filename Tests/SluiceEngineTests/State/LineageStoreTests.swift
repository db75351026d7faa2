import SluiceCore
import Testing

@testable import SluiceEngine

@Suite("SQLiteStateStore: lineage")
struct LineageStoreTests {
    static func node(_ id: String, _ type: String, job: String? = nil) -> LineageNode {
        LineageNode(id: id, type: type, name: id.uppercased(), jobId: job)
    }

    static func edge(_ from: String, _ to: String, _ relationship: String, job: String?) -> LineageEdge {
        LineageEdge(from: from, to: to, relationship: relationship, jobId: job)
    }

    /// Three jobs around a shared warehouse:
    /// customers → j1.t → warehouse → j2.t → reports, and orders → j3.t → warehouse.
    static let job1 = LineageGraph(
        nodes: [node("customers", "source", job: "j1"), node("j1.t", "transformation", job: "j1"), node("warehouse", "target", job: "j1")],
        edges: [edge("customers", "j1.t", "consumes", job: "j1"), edge("j1.t", "warehouse", "produces", job: "j1")])
    static let job2 = LineageGraph(
        nodes: [node("warehouse", "source", job: "j2"), node("j2.t", "transformation", job: "j2"), node("reports", "target", job: "j2")],
        edges: [edge("warehouse", "j2.t", "consumes", job: "j2"), edge("j2.t", "reports", "produces", job: "j2")])
    static let job3 = LineageGraph(
        nodes: [node("orders", "source", job: "j3"), node("j3.t", "transformation", job: "j3"), node("warehouse", "target", job: "j3")],
        edges: [edge("orders", "j3.t", "consumes", job: "j3"), edge("j3.t", "warehouse", "produces", job: "j3")])

    func recordAll(_ store: SQLiteStateStore) async throws {
        try await store.recordLineage(Self.job1)
        try await store.recordLineage(Self.job2)
        try await store.recordLineage(Self.job3)
    }

    func ids(_ graph: LineageGraph?) -> [String] { graph?.nodes.map(\.id) ?? [] }

    func pairs(_ graph: LineageGraph?) -> [String] { graph?.edges.map { "\($0.from)>\($0.to)" } ?? [] }

    @Test func upstreamAndDownstreamWithoutSiblings() async throws {
        try await withStateStore { store, _ in
            try await recordAll(store)
            // Nodes in first-recorded order; warehouse was last recorded by j3 (upsert).
            let warehouse = try await store.lineage(of: "warehouse")
            #expect(ids(warehouse) == ["customers", "j1.t", "warehouse", "j2.t", "reports", "orders", "j3.t"])
            #expect(pairs(warehouse) == ["customers>j1.t", "j1.t>warehouse", "warehouse>j2.t", "j2.t>reports", "orders>j3.t", "j3.t>warehouse"])
            #expect(warehouse?.nodes[2] == LineageNode(id: "warehouse", type: "target", name: "WAREHOUSE", jobId: "j3"))

            // Downstream only: orders and j3.t feed the warehouse too, but are not customers' lineage.
            let customers = try await store.lineage(of: "customers")
            #expect(ids(customers) == ["customers", "j1.t", "warehouse", "j2.t", "reports"])
            #expect(pairs(customers) == ["customers>j1.t", "j1.t>warehouse", "warehouse>j2.t", "j2.t>reports"])
            #expect(customers?.edges.first == Self.edge("customers", "j1.t", "consumes", job: "j1"))

            // Upstream only.
            let reports = try await store.lineage(of: "reports")
            #expect(ids(reports) == ["customers", "j1.t", "warehouse", "j2.t", "reports", "orders", "j3.t"])
            #expect(pairs(reports) == pairs(warehouse))

            // From the middle: its own upstream, then everything downstream; not j1's branch.
            let j3 = try await store.lineage(of: "j3.t")
            #expect(ids(j3) == ["warehouse", "j2.t", "reports", "orders", "j3.t"])
            #expect(pairs(j3) == ["warehouse>j2.t", "j2.t>reports", "orders>j3.t", "j3.t>warehouse"])

            #expect(try await store.lineage(of: "unknown") == nil)
        }
    }

    @Test func cyclesTerminate() async throws {
        try await withStateStore { store, _ in
            try await store.recordLineage(
                LineageGraph(
                    nodes: ["a", "b", "c", "sink", "outside"].map { Self.node($0, "transformation") },
                    edges: [
                        Self.edge("a", "b", "produces", job: nil), Self.edge("b", "c", "produces", job: nil),
                        Self.edge("c", "a", "produces", job: nil), Self.edge("c", "sink", "produces", job: nil),
                        Self.edge("outside", "sink", "produces", job: nil),
                    ]))
            let b = try await store.lineage(of: "b")
            #expect(ids(b) == ["a", "b", "c", "sink"])
            #expect(pairs(b) == ["a>b", "b>c", "c>a", "c>sink"])
            let sink = try await store.lineage(of: "sink")
            #expect(ids(sink) == ["a", "b", "c", "sink", "outside"])
            #expect(pairs(sink) == ["a>b", "b>c", "c>a", "c>sink", "outside>sink"])
            // A self-loop.
            try await store.recordLineage(LineageGraph(edges: [Self.edge("self", "self", "produces", job: "j")]))
            let selfLoop = try await store.lineage(of: "self")
            #expect(selfLoop == LineageGraph(nodes: [], edges: [Self.edge("self", "self", "produces", job: "j")]))
        }
    }

    @Test func nodesUpsertAndEdgesDeduplicate() async throws {
        try await withStateStore { store, _ in
            try await store.recordLineage(Self.job1)
            var again = Self.job1
            again.nodes[1].name = "Clean customers"
            again.nodes[1].fields = ["id", "email"]
            again.edges[1].fields = [FieldDerivation(output: "email", inputs: ["email"], how: "copy")]
            try await store.recordLineage(again)
            // Same edge identity without a job, twice; and once with an empty job id (a different edge).
            let jobless = Self.edge("customers", "j1.t", "consumes", job: nil)
            try await store.recordLineage(LineageGraph(edges: [jobless, jobless]))
            try await store.recordLineage(LineageGraph(edges: [Self.edge("customers", "j1.t", "consumes", job: "")]))
            let graph = try await store.lineage(of: "j1.t")
            #expect(graph?.nodes == again.nodes)
            #expect(
                graph?.edges == [
                    again.edges[0], again.edges[1], jobless, Self.edge("customers", "j1.t", "consumes", job: ""),
                ])
            let rows = try await store.connection.query("SELECT COUNT(*) AS n FROM lineage_edges")
            #expect(rows.first?.column("n")?.integer == 4)
        }
    }

    @Test func aNodeWithoutEdgesIsItsOwnLineage() async throws {
        try await withStateStore { store, _ in
            let lonely = LineageNode(id: "lonely", type: "source", name: "Lonely", fields: ["x"])
            try await store.recordLineage(LineageGraph(nodes: [lonely]))
            #expect(try await store.lineage(of: "lonely") == LineageGraph(nodes: [lonely], edges: []))
        }
    }
}
