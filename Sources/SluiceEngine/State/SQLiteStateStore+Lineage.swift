import SQLiteNIO
import SluiceCore

extension SQLiteStateStore {
    /// Upserts the nodes and edges in one transaction (see ``LineageStore/recordLineage(_:)``).
    public func recordLineage(_ graph: LineageGraph) async throws {
        guard !graph.nodes.isEmpty || !graph.edges.isEmpty else { return }
        try await exclusiveTransaction { connection in try await Self.write(graph, on: connection) }
    }

    /// The upserts of `graph`, on a connection the caller holds inside a transaction.
    static func write(_ graph: LineageGraph, on connection: SQLiteConnection) async throws {
        let encoder = ValueEncoder()
        let nodeBinds: [[SQLiteData]] = try graph.nodes.map { node in
            [
                .text(node.id), .text(node.type), .text(node.name), .optional(node.jobId),
                .optional(try node.fields.map { try encoder.jsonText($0) }),
                .optional(try node.fieldTypes.map { try encoder.jsonText($0) }),
            ]
        }
        let edgeBinds: [[SQLiteData]] = try graph.edges.map { edge in
            [
                .text(edge.from), .text(edge.to), .text(edge.relationship), .optional(edge.jobId),
                .optional(try edge.fields.map { try encoder.jsonText($0) }),
            ]
        }
        for binds in nodeBinds {
            _ = try await connection.query(
                """
                INSERT INTO lineage_nodes (id, type, name, job_id, fields, field_types) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET type = excluded.type, name = excluded.name,
                    job_id = excluded.job_id, fields = excluded.fields, field_types = excluded.field_types
                """, binds)
        }
        for binds in edgeBinds {
            // No conflict target: the only uniqueness on the table is the edge identity index.
            _ = try await connection.query(
                """
                INSERT INTO lineage_edges (from_id, to_id, relationship, job_id, fields) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET fields = excluded.fields
                """, binds)
        }
    }

    /// Upstream and downstream closure of `entityId`, found with two recursive SQL queries.
    public func lineage(of entityId: String) async throws -> LineageGraph? {
        let (edgeRows, nodeRows) = try await exclusive { connection in
            // Two recursive walks from the entity, one against the edges and one along them.
            // UNION (not UNION ALL) drops ids already seen, so cycles end the recursion.
            let edgeRows = try await connection.query(
                """
                WITH RECURSIVE
                    upstream(id) AS (
                        SELECT ?1
                        UNION SELECT e.from_id FROM lineage_edges e JOIN upstream u ON e.to_id = u.id
                    ),
                    downstream(id) AS (
                        SELECT ?1
                        UNION SELECT e.to_id FROM lineage_edges e JOIN downstream d ON e.from_id = d.id
                    )
                SELECT seq, from_id, to_id, relationship, job_id, fields FROM lineage_edges
                WHERE to_id IN (SELECT id FROM upstream) OR from_id IN (SELECT id FROM downstream)
                ORDER BY seq
                """, [.text(entityId)])
            var ids: [String] = [entityId]
            var seen: Set<String> = [entityId]
            for row in edgeRows {
                for column in ["from_id", "to_id"] {
                    if let id = row.column(column)?.string, seen.insert(id).inserted { ids.append(id) }
                }
            }
            let nodeRows = try await connection.query(
                "SELECT * FROM lineage_nodes WHERE id IN (\(Self.placeholders(ids.count))) ORDER BY seq",
                ids.map { .text($0) })
            return (edgeRows, nodeRows)
        }
        guard !edgeRows.isEmpty || !nodeRows.isEmpty else { return nil }
        let edges = try edgeRows.map { row in
            let reader = RowReader(row: row, table: "lineage_edges", key: row.column("seq")?.string ?? "?")
            return LineageEdge(
                from: try reader.text("from_id"), to: try reader.text("to_id"), relationship: try reader.text("relationship"),
                jobId: try reader.optionalText("job_id"), fields: try reader.decodeIfPresent([FieldDerivation].self, "fields"))
        }
        let nodes = try nodeRows.map { row in
            let reader = RowReader(row: row, table: "lineage_nodes", key: row.column("id")?.string ?? "?")
            return LineageNode(
                id: try reader.text("id"), type: try reader.text("type"), name: try reader.text("name"),
                jobId: try reader.optionalText("job_id"), fields: try reader.decodeIfPresent([String].self, "fields"),
                fieldTypes: try reader.decodeIfPresent([String: String].self, "field_types"))
        }
        return LineageGraph(nodes: nodes, edges: edges)
    }
}
