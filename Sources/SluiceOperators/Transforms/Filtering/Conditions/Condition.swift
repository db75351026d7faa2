import SluiceCore

/// A compiled condition over the rows of a batch: what a `filter` keeps, and an aggregate's
/// `having`.
///
/// Truth follows SQL's three-valued logic. Each test is true, false or unknown for a row (see
/// ``FilterOperator`` for which tests are unknown on null and absent cells); `and` is true when
/// all parts are, false when any is; `or` is true when any part is, false when all are; `not`
/// swaps true and false and leaves unknown; anything else is unknown. A row is kept only when
/// the whole condition is true, so `not (amount gt 100)` drops rows without an amount, as
/// `WHERE NOT (amount > 100)` does.
///
/// Compiling pushes every `not` down to the tests (De Morgan), each negated test selecting
/// the rows where it is *false*; the tree left has only `and` and `or`, evaluated with
/// selection vectors: an `and` tests each part on the rows the parts before it kept, an `or`
/// on the rows not yet selected.
public struct Condition: Sendable {
    let root: ConditionNode
    /// Each test's field with the path of its spec (`and[1].field`), in spec order.
    let fieldPaths: [(field: String, path: String)]

    /// Compiles `spec`, found at `path` (relative to `config`); throws ``SpecError`` at the
    /// offending test's `operator` or `value` (`and[1].or[0].operator`).
    public init(_ spec: ConditionSpec, path: String = "") throws(SpecError) {
        var fieldPaths: [(field: String, path: String)] = []
        root = try ConditionNode.compile(spec, negated: false, path: path, fields: &fieldPaths)
        self.fieldPaths = fieldPaths
    }

    /// Reads and compiles a condition from a parsed config value found at `path`.
    public init(parsing value: Value, path: String = "") throws(SpecError) {
        try self.init(ConditionSpec(parsing: value, path: path), path: path)
    }

    /// The fields the condition tests, each once, in spec order.
    public var fields: [String] {
        var seen = Set<String>()
        return fieldPaths.map(\.field).filter { seen.insert($0).inserted }
    }

    /// The rows of `batch` for which the condition is true, ascending (a selection vector).
    public func selectedRows(_ batch: RecordBatch) -> [Int] { evaluate(batch).selected }

    /// The rows for which the condition is true (ascending), and the rows it could not decide
    /// because an `{"expr": …}` test failed on them (division by zero, a bad cast), with the
    /// reason; a row is in one list at most.
    public func evaluate(_ batch: RecordBatch) -> (selected: [Int], failures: [(row: Int, reason: String)]) {
        var failures: [Int: String] = [:]
        let selected = root.rows(in: batch, among: nil, failures: &failures)
        guard !failures.isEmpty else { return (selected, []) }
        for row in selected { failures[row] = nil }
        return (selected, failures.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// For each row of `batch`, whether the condition is true for it.
    public func mask(_ batch: RecordBatch) -> [Bool] {
        var mask = [Bool](repeating: false, count: batch.count)
        for row in selectedRows(batch) { mask[row] = true }
        return mask
    }
}
