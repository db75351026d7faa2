import SluiceCore

/// Finds the values of a field path in a batch.
///
/// A path resolves first as a whole flat field name (`address.city` as one key with a dot),
/// then through shorter names and into nested objects (`city` inside the object in
/// `address`) and arrays (`tags[0]`, 0-based). Anything missing is null.
enum FieldResolution {
    static func resolve(_ path: FieldPath, in batch: RecordBatch) -> ExpressionVector {
        if path.steps.count == 1, case .key(let name) = path.steps[0] {
            guard let index = batch.index(of: name) else { return .constant(.null) }
            return .column(batch.columns[index])
        }
        for (name, covered) in path.candidateFields {
            guard let index = batch.index(of: name) else { continue }
            let column = batch.columns[index]
            if covered == path.steps.count { return .column(column) }
            let rest = path.steps[covered...]
            var builder = ColumnBuilder(capacity: batch.count)
            for row in 0..<batch.count { builder.append(navigate(column.value(at: row), rest)) }
            return .column(builder.build())
        }
        return .constant(.null)
    }

    /// The value reached from `value` through `steps`, or null.
    static func navigate(_ value: Value, _ steps: ArraySlice<FieldPath.Step>) -> Value {
        var current = value
        for step in steps {
            switch (step, current) {
            case (.key(let key), .object(let object)): current = object[key] ?? .null
            case (.index(let i), .array(let items)): current = i >= 0 && i < items.count ? items[i] : .null
            default: return .null
            }
        }
        return current
    }
}
