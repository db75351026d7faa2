import SluiceCore

/// Builds the lineage graph of one job run: source → transforms → target, with the
/// column-level derivations observed in the run.
///
/// Sources and targets are named by location, which may hold what `${env:…}` references
/// resolved to (a file path) or a URL's credentials: both are hidden in node ids and names,
/// since the graph is stored and shown.
public enum LineageBuilder {
    /// The node id of a job's source: its spec `id`, else its (redacted) location.
    public static func sourceNodeID(_ plan: JobPlan) -> String { plan.spec.source.id ?? shown(plan.source.location, plan) }

    /// The node id of a job's target: its spec `id`, else its (redacted) location.
    public static func targetNodeID(_ plan: JobPlan) -> String { plan.spec.target.id ?? shown(plan.target.location, plan) }

    /// `location` with the plan's secret values and URL credentials hidden.
    static func shown(_ location: String, _ plan: JobPlan) -> String {
        plan.secrets.scrub(Secrets.redactText(location))
    }

    /// The node id of transform `index` of job `jobId`.
    public static func transformNodeID(jobId: String, index: Int) -> String { "\(jobId).transforms[\(index)]" }

    /// The graph for one run of `plan` as job `jobId`.
    public static func graph(
        jobId: String, plan: JobPlan, stageFields: [[String]],
        declaredTypes: (source: [String: String], target: [String: String]) = ([:], [:])
    ) -> LineageGraph {
        let sourceID = sourceNodeID(plan)
        let targetID = targetNodeID(plan)
        var nodes = [
            LineageNode(
                id: sourceID, type: "source", name: sourceID, jobId: jobId,
                fields: stageFields.first, fieldTypes: declaredTypes.source.isEmpty ? nil : declaredTypes.source)
        ]
        var edges: [LineageEdge] = []
        var previous = sourceID
        for (index, step) in plan.transforms.enumerated() {
            let id = transformNodeID(jobId: jobId, index: index)
            let inputs = index < stageFields.count ? stageFields[index] : []
            let derivations = step.transform.lineage(inputFields: inputs)
            let name = step.field.map { "\(step.operation) \($0)" } ?? step.operation
            nodes.append(LineageNode(id: id, type: "transformation", name: name, jobId: jobId, fields: derivations.map(\.output)))
            edges.append(LineageEdge(from: previous, to: id, relationship: "consumes", jobId: jobId, fields: derivations))
            previous = id
        }
        let finalFields = stageFields.last ?? []
        nodes.append(LineageNode(
            id: targetID, type: "target", name: targetID, jobId: jobId, fields: finalFields,
            fieldTypes: declaredTypes.target.isEmpty ? nil : declaredTypes.target))
        edges.append(LineageEdge(
            from: previous, to: targetID, relationship: "produces", jobId: jobId,
            fields: finalFields.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }))
        return LineageGraph(nodes: nodes, edges: edges)
    }
}
