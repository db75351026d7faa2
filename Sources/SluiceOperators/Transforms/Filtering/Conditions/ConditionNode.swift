import SluiceCore

/// A compiled condition with every `not` pushed down to the tests: a test, or all / any of
/// other nodes. Each node selects rows, ascending.
///
/// A new kind of test (an expression) is one more leaf case whose `rows` selects the rows
/// where its truth equals the wanted one, `no` when compiled under an odd number of `not`s.
indirect enum ConditionNode: Sendable {
    case test(FieldTest)
    case expression(ExpressionTest)
    case all([ConditionNode])
    case any([ConditionNode])

    /// Compiles `spec` (negated when under an odd number of `not`s), recording each test's
    /// field and path in `fields`. This recurses once per level, so each level's work is in
    /// helpers that return before the recursion, keeping this frame small.
    static func compile(
        _ spec: ConditionSpec, negated: Bool, path: String, fields: inout [(field: String, path: String)]
    ) throws(SpecError) -> ConditionNode {
        switch spec {
        case .test(let field, let op, let value):
            return try test(field, op, value, negated: negated, path: path, fields: &fields)
        case .not(let inner):
            return try compile(inner, negated: !negated, path: SpecPath.join(path, "not"), fields: &fields)
        case .expression(let source):
            return try expression(source, negated: negated, path: path, fields: &fields)
        case .and(let parts), .or(let parts):
            let isAnd: Bool
            if case .and = spec { isAnd = true } else { isAnd = false }
            let base = SpecPath.join(path, isAnd ? "and" : "or")
            var children: [ConditionNode] = []
            for (i, part) in parts.enumerated() {
                children.append(try compile(part, negated: negated, path: ConditionSpec.elementPath(base, i), fields: &fields))
            }
            // not (a and b) = (not a) or (not b), and the other way round.
            return isAnd != negated ? .all(flattened(children, all: true)) : .any(flattened(children, all: false))
        }
    }

    private static func test(
        _ field: String, _ op: String, _ value: Value, negated: Bool, path: String, fields: inout [(field: String, path: String)]
    ) throws(SpecError) -> ConditionNode {
        fields.append((field, SpecPath.join(path, "field")))
        return .test(FieldTest(field: field, predicate: try ConditionCompiler.predicate(op, value, negated: negated, path: path)))
    }

    private static func expression(
        _ source: String, negated: Bool, path: String, fields: inout [(field: String, path: String)]
    ) throws(SpecError) -> ConditionNode {
        let exprPath = SpecPath.join(path, "expr")
        let expression: Expression
        do {
            expression = try Expression(parsing: source, requireBoolean: true)
        } catch {
            throw SpecError(path: exprPath, error.description)
        }
        for field in expression.referencedFields.sorted() { fields.append((field, exprPath)) }
        return .expression(ExpressionTest(expression: expression, wanted: !negated))
    }

    /// `children` with nested nodes of the same kind spliced in (`a and (b and c)` is one `and`).
    private static func flattened(_ children: [ConditionNode], all: Bool) -> [ConditionNode] {
        children.flatMap { child -> [ConditionNode] in
            switch child {
            case .all(let inner) where all: return inner
            case .any(let inner) where !all: return inner
            default: return [child]
            }
        }
    }

    /// The rows of `batch` this node selects among `candidates` (ascending; `nil` for all).
    /// An expression test that fails on a candidate row (division by zero, a bad cast) adds
    /// the row's first reason to `failures`.
    func rows(in batch: RecordBatch, among candidates: [Int]?, failures: inout [Int: String]) -> [Int] {
        switch self {
        case .test(let test):
            return test.rows(in: batch, among: candidates)
        case .expression(let test):
            return test.rows(in: batch, among: candidates, failures: &failures)
        case .all(let children):
            var current = candidates
            for child in children {
                let kept = child.rows(in: batch, among: current, failures: &failures)
                if kept.isEmpty { return [] }
                current = kept
            }
            return current ?? Array(0..<batch.count)
        case .any(let children):
            var selection = AnySelection(candidates)
            for child in children {
                let kept = child.rows(in: batch, among: selection.remaining, failures: &failures)
                if selection.add(kept, count: batch.count) { break }
            }
            return selection.selected
        }
    }
}

/// The rows an `or` has selected so far, and those left to test.
struct AnySelection {
    var selected: [Int] = []
    /// The candidates not yet selected (`nil` for every row).
    var remaining: [Int]?

    init(_ candidates: [Int]?) { remaining = candidates }

    /// Adds the rows one part kept; true when no candidate is left.
    mutating func add(_ kept: [Int], count: Int) -> Bool {
        guard !kept.isEmpty else { return false }
        selected = RowSelection.union(selected, kept)
        remaining = RowSelection.subtracting(kept, from: remaining ?? Array(0..<count))
        return remaining?.isEmpty ?? false
    }
}

/// One operator applied to one field.
struct FieldTest: Sendable {
    let field: String
    let predicate: FilterPredicate

    /// The rows among `candidates` (all when `nil`) that the predicate selects; a field the
    /// batch lacks is absent in every row.
    func rows(in batch: RecordBatch, among candidates: [Int]?) -> [Int] {
        guard let index = batch.index(of: field) else {
            return predicate.selectsMissing ? candidates ?? Array(0..<batch.count) : []
        }
        return FilterScan(predicate: predicate, column: batch.columns[index], count: batch.count, candidates: candidates).rows()
    }
}

/// Set operations on ascending row lists.
enum RowSelection {
    /// The rows in either list.
    static func union(_ a: [Int], _ b: [Int]) -> [Int] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var out: [Int] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            if a[i] < b[j] {
                out.append(a[i])
                i += 1
            } else if b[j] < a[i] {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
                j += 1
            }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }

    /// The rows of `all` that are not in `removed`.
    static func subtracting(_ removed: [Int], from all: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(all.count - min(all.count, removed.count))
        var j = 0
        for row in all {
            while j < removed.count, removed[j] < row { j += 1 }
            if j < removed.count, removed[j] == row { continue }
            out.append(row)
        }
        return out
    }
}

/// A boolean expression as a condition: selects the rows where it is `wanted` (true, or
/// false under an odd number of `not`s). Null, and a row whose evaluation fails (division by
/// zero, a bad cast), is neither, so such a row is never selected.
struct ExpressionTest: Sendable {
    let expression: Expression
    let wanted: Bool
    /// The value of `now()`: when the condition was compiled for the run.
    let now = Timestamp.now()

    /// Evaluates the expression once over the batch; failures on candidate rows are recorded.
    func rows(in batch: RecordBatch, among candidates: [Int]?, failures: inout [Int: String]) -> [Int] {
        // Expressions read plain storage.
        let result = expression.evaluate(batch.flatteningDictionaries(), now: now)
        let rows = candidates ?? Array(0..<batch.count)
        if !result.rowErrors.isEmpty {
            var isCandidate = [Bool](repeating: candidates == nil, count: batch.count)
            for row in candidates ?? [] { isCandidate[row] = true }
            for error in result.rowErrors where isCandidate[error.row] && failures[error.row] == nil {
                failures[error.row] = "\(expression.source): \(error.reason)"
            }
        }
        return result.column.rows(equalTo: wanted, among: rows)
    }
}
