/// A set of lineage nodes and the edges between them.
public struct LineageGraph: Sendable, Equatable {
    /// The nodes, in the order they were first recorded.
    public var nodes: [LineageNode]
    /// The edges, in the order they were first recorded.
    public var edges: [LineageEdge]

    public init(nodes: [LineageNode] = [], edges: [LineageEdge] = []) {
        self.nodes = nodes
        self.edges = edges
    }
}
