import SluiceCore

/// A `custom` validator: `{"type": "custom", "fn": "starts_with(value, 'USER_')", "message":
/// "ID must start with USER_"}`. The `fn` is a boolean ``Expression``
/// in which `value` is the field's value; a present value passes when the expression is true.
/// False, null, or an evaluation error (a failed cast, say) fails it.
struct CustomCheck: Sendable {
    /// The validator `type` that selects this check.
    static let kind = "custom"

    let expression: Expression
    let message: String?
    /// The value of `now()`: when the schema was compiled for the run.
    let now = Timestamp.now()

    /// Compiles `spec`; errors carry paths relative to the validator (`fn`).
    init(_ spec: ValidatorSpec) throws(SpecError) {
        guard let source = spec.fn else {
            throw SpecError(path: "fn", #"a custom validator needs "fn", a boolean expression over value, e.g. "starts_with(value, 'USER_')""#)
        }
        do {
            expression = try Expression(parsing: source, requireBoolean: true)
        } catch {
            throw SpecError(path: "fn", error.description)
        }
        message = spec.message
    }

    /// Evaluates the expression over the whole column at once and records a reason for each
    /// present value that does not pass.
    func check(_ column: Column, field: String, count: Int, reasons: inout RowReasons) {
        let batch = RecordBatch(fields: ["value"], columns: [column], positions: Array(0..<count))
        let present = (0..<count).filter { column.isPresent($0) }
        let passing = expression.evaluate(batch, now: now).column.rows(equalTo: true, among: present)
        guard passing.count < present.count else { return }
        var passes = [Bool](repeating: false, count: count)
        for row in passing { passes[row] = true }
        for row in present where !passes[row] {
            reasons.add(message ?? "Field \(field): value \(column.value(at: row).quotedText) fails \(expression.source)", row: row)
        }
    }
}
