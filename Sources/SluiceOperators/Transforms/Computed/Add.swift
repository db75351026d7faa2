import SluiceCore

/// Adds (or replaces) computed fields, each an ``Expression`` over the record:
/// `{"fields": {"total": "amount * quantity", "domain": "split_part(email, '@', 2)"}}`.
///
/// Fields are computed in the order written, so a later expression may use an earlier one's
/// output. With `"onError": "reject"` (the default) a row where any expression fails (division
/// by zero, a failed conversion) goes to the dead-letter queue with the reason
/// (`fields.total: division by zero`); with `"onError": "null"` the field is null and the row
/// goes on.
public struct Add: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "add"
    /// The stage name recorded on rejections.
    public static let stage = "transform:add"

    /// The `config` object of an add step.
    public struct Config: Decodable, Sendable, Equatable {
        /// New field name → expression, in evaluation order.
        public var fields: OrderedPairs
        /// `reject` (default) or `null`.
        public var onError: String?

        /// A config computing `fields`.
        public init(fields: OrderedPairs, onError: String? = nil) {
            self.fields = fields
            self.onError = onError
        }
    }

    /// What happens to a row whose expression fails.
    public enum ErrorPolicy: String, Sendable, CaseIterable {
        /// The row goes to the dead-letter queue.
        case reject
        /// The field is null and the row goes on.
        case null
    }

    /// The computed fields, in order.
    public let fields: [(name: String, expression: Expression)]
    /// What happens to a row whose expression fails.
    public let onError: ErrorPolicy
    /// The value of `now()`: when the component was built for the run.
    public let now: Timestamp

    /// Builds the step; throws ``SpecError`` at `fields.<name>` (with the expression and a
    /// caret under the problem) or at `onError`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.fields.pairs.isEmpty else {
            throw SpecError(path: "fields", "fields must name at least one field, as {\"total\": \"amount * quantity\"}")
        }
        var parsed: [(String, Expression)] = []
        for pair in config.fields.pairs {
            do {
                parsed.append((pair.key, try Expression(parsing: pair.value)))
            } catch {
                throw SpecError(path: SpecPath.join("fields", pair.key), error.description)
            }
        }
        let policy = config.onError ?? ErrorPolicy.reject.rawValue
        guard let onError = ErrorPolicy(rawValue: policy) else {
            throw SpecError(path: "onError", "unknown onError '\(policy)'; expected reject or null")
        }
        fields = parsed
        self.onError = onError
        now = Timestamp.now()
    }

    /// The batch with the computed fields; failed rows are rejected or get null, per ``onError``.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        var out = batch
        var reasons: [Int: [String]] = [:]
        for (name, expression) in fields {
            let result = expression.evaluate(out, now: now)
            if onError == .reject {
                for error in result.rowErrors {
                    reasons[error.row, default: []].append("\(SpecPath.join("fields", name)): \(error.reason)")
                }
            }
            out.setColumn(result.column, named: name)
        }
        guard !reasons.isEmpty else { return BatchResult(batch: out) }
        let rejectedRows = reasons.keys.sorted()
        let rejected = rejectedRows.map { row in
            Rejection(record: .object(batch.record(at: row)), reasons: reasons[row] ?? [], position: batch.positions[row], stage: Add.stage)
        }
        let failed = Set(rejectedRows)
        return BatchResult(batch: out.selecting((0..<batch.count).filter { !failed.contains($0) }), rejected: rejected)
    }

    /// Input fields pass through (unless replaced); each computed field derives from the
    /// fields its expression reads (through earlier computed fields to their inputs).
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        var sources: [String: [String]] = [:]
        var outputs: [FieldDerivation] = []
        let computed = Set(fields.map(\.name))
        for field in inputFields where !computed.contains(field) {
            outputs.append(FieldDerivation(output: field, inputs: [field], how: "copy"))
        }
        var available = Set(inputFields)
        for (name, expression) in fields {
            var inputs: [String] = []
            for path in expression.fieldPaths {
                let candidates = path.candidateFields.map(\.name)
                let field = candidates.first { sources[$0] != nil || available.contains($0) } ?? candidates.last ?? path.display
                for input in sources[field] ?? [field] where !inputs.contains(input) { inputs.append(input) }
            }
            sources[name] = inputs
            available.insert(name)
            outputs.removeAll { $0.output == name }
            outputs.append(FieldDerivation(output: name, inputs: inputs, how: "expression"))
        }
        return outputs
    }

    /// What follows needs, minus the computed fields, plus every field the expressions read
    /// (all expressions run, since any of them may reject a row).
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        guard case .only(var needed) = output else { return .all }
        for (name, expression) in fields.reversed() {
            needed.remove(name)
            needed.formUnion(expression.referencedFields)
        }
        return .only(needed)
    }
}
