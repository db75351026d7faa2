/// Persistence and traversal of data lineage.
public protocol LineageStore: Sendable {
    /// Adds `graph`: nodes are upserted by id (the latest version wins), edges are
    /// deduplicated on (from, to, relationship, jobId) (the latest `fields` win).
    func recordLineage(_ graph: LineageGraph) async throws
    /// The lineage of `entityId`: the node itself, every node reachable from it upstream
    /// (following edges backwards) and downstream (following edges forwards), and the edges
    /// followed. Siblings (other inputs of a downstream node) are not included. `nil` when
    /// no node or edge mentions `entityId`.
    func lineage(of entityId: String) async throws -> LineageGraph?
}
