import SluiceCore

/// Checks batches against a job's schema: field types, null
/// policy, required fields, validators and strict mode.
///
/// Valid rows go on with safe coercions applied (non-strict mode); each invalid row becomes
/// one ``Rejection`` carrying every reason it failed, so a user can fix a record in one pass.
public struct SchemaValidator: Sendable {
    /// The stage name recorded on rejections.
    public static let stage = "validation"

    private let rules: [FieldRule]
    private let required: [String]
    private let declared: Set<String>
    private let strict: Bool

    /// Compiles `schema`: validators are checked and regular expressions compiled once here.
    ///
    /// - Throws: ``SpecError`` with a path relative to the schema
    ///   (`fields[1].validators[0].value: invalid regular expression …`).
    public init(schema: SchemaSpec) throws(SpecError) {
        let required = Set(schema.required)
        var rules: [FieldRule] = []
        for (f, field) in schema.fields.enumerated() {
            var validators: [CompiledValidator] = []
            var customChecks: [CustomCheck] = []
            for (v, spec) in field.validators.enumerated() {
                do {
                    if spec.type == CustomCheck.kind {
                        customChecks.append(try CustomCheck(spec))
                    } else {
                        validators.append(try CompiledValidator(spec))
                    }
                } catch {
                    throw error.prefixed("fields[\(f)].validators[\(v)]")
                }
            }
            rules.append(
                FieldRule(
                    name: field.name, type: field.type,
                    reportsNull: !field.nullable && !required.contains(field.name),
                    validators: validators, customChecks: customChecks))
        }
        self.rules = rules
        self.required = schema.required
        self.declared = Set(schema.fields.map(\.name))
        self.strict = schema.strictMode
    }

    /// Splits `batch` into valid rows (coerced) and rejections with every reason, in field
    /// order with required-field checks first.
    public func validate(_ batch: RecordBatch) -> BatchResult {
        let count = batch.count
        var reasons = RowReasons(count: count)
        for name in required {
            let column = batch.column(named: name)
            for row in 0..<count where column?.isPresent(row) != true {
                reasons.add("Missing required field: \(name)", row: row)
            }
        }
        var coerced: [(name: String, column: Column)] = []
        for rule in rules {
            if let column = rule.check(batch.column(named: rule.name), count: count, strict: strict, reasons: &reasons) {
                coerced.append((rule.name, column))
            }
        }
        if strict {
            for (field, column) in zip(batch.fields, batch.columns) where !declared.contains(field) {
                for row in 0..<count where column.presence(at: row) != .absent {
                    reasons.add("Unknown field: \(field)", row: row)
                }
            }
        }
        guard reasons.anyFailed || !coerced.isEmpty else { return BatchResult(batch: batch) }
        var valid = batch
        for (name, column) in coerced { valid.setColumn(column, named: name) }
        guard reasons.anyFailed else { return BatchResult(batch: valid) }
        var keep: [Int] = []
        keep.reserveCapacity(count)
        var rejected: [Rejection] = []
        for row in 0..<count {
            if reasons.failed(row) {
                rejected.append(
                    Rejection(
                        record: .object(batch.record(at: row)), reasons: reasons.reasons[row],
                        position: batch.positions[row], stage: SchemaValidator.stage))
            } else {
                keep.append(row)
            }
        }
        return BatchResult(batch: valid.selecting(keep), rejected: rejected)
    }
}
