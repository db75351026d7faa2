import SluiceCore

/// Which of the types a source declares (a Parquet or Avro schema) still hold at the target:
/// a field keeps its declared type through steps that copy it, rename it or group by it
/// (their lineage says `copy`, `rename` or `group`), and loses it through anything that
/// computes it.
enum DeclaredSchemaPropagation {
    /// The derivations that pass a value through unchanged.
    static let preserving: Set<String> = ["copy", "rename", "group"]

    /// The declared fields as they reach the target, in the source's order.
    static func atTarget(_ declared: [FieldSchema], plan: JobPlan) -> [FieldSchema] {
        var current = declared
        for step in plan.transforms {
            let byName = Dictionary(current.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let derivations = step.transform.lineage(inputFields: current.map(\.name))
            current = derivations.compactMap { derivation in
                guard preserving.contains(derivation.how), derivation.inputs.count == 1, let input = byName[derivation.inputs[0]] else { return nil }
                var field = input
                field.name = derivation.output
                return field
            }
            if current.isEmpty { break }
        }
        return current
    }
}
