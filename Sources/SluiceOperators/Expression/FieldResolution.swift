import SluiceCore

/// Finds the values of a field path in a batch.
///
/// A path resolves first as a whole flat field name (`address.city` as one key with a dot),
/// then through shorter names and into nested objects (`city` inside the object in
/// `address`) and arrays (`tags[0]`, 0-based). Anything missing is null.
///
/// The choice is made per row: a row that lacks the flat key reads the nested value even
/// when other rows of its batch have the flat key, so a record's result never depends on
/// the records batched with it.
enum FieldResolution {
    static func resolve(_ path: FieldPath, in batch: RecordBatch) -> ExpressionVector {
        if path.steps.count == 1, case .key(let name) = path.steps[0] {
            guard let index = batch.index(of: name) else { return .constant(.null) }
            return .column(batch.columns[index])
        }
        let candidates = path.candidateFields.compactMap { name, covered in
            batch.index(of: name).map { (column: batch.columns[$0], covered: covered) }
        }
        guard let first = candidates.first else { return .constant(.null) }
        let everyRowHasFirst = first.column.presence?.contains(.absent) != true
        if first.covered == path.steps.count, everyRowHasFirst || candidates.count == 1 { return .column(first.column) }
        var builder = ColumnBuilder(capacity: batch.count)
        for row in 0..<batch.count {
            guard let (column, covered) = candidates.first(where: { $0.column.presence(at: row) != .absent }) else {
                builder.append(.null)
                continue
            }
            builder.append(navigate(column.value(at: row), path.steps[covered...]))
        }
        return .column(builder.build())
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
