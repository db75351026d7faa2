import SluiceCore

/// An expression of Sluice's expression language, parsed and checked once and then evaluated
/// batch by batch: `amount * quantity`, `amount > 100 && status == 'active'`,
/// `coalesce(region, 'none')`, `case when score >= 90 then 'A' else 'B' end`.
///
/// Semantics, in short (the full reference is in the docs):
/// - Field references are names (`amount`), dotted paths (`address.city`: a field with that
///   exact name first, else the `city` key of the object in `address`), array indexes
///   (`tags[0]`, 0-based) and backtick-quoted names (`` `order total` ``). Missing is null.
/// - Nulls follow SQL: arithmetic, comparisons and most functions give null for a null
///   argument; `&&`/`||` are three-valued; a filter keeps a row only when the result is true.
/// - `+` adds numbers only; join text with `concat()`. `/` always gives a double. Text that
///   spells a number counts as that number in arithmetic and comparisons with numbers.
/// - A row whose value cannot be computed (division by zero, integer overflow, a failed
///   conversion or date parse, a value of the wrong kind) gets null and an
///   ``ExpressionRowError`` naming the reason. Failures of a branch that was not taken
///   (the right side of `&&` after false, an `if` branch not chosen) are not reported.
public struct Expression: Sendable, CustomStringConvertible {
    /// The expression as written.
    public let source: String
    let root: CompiledNode
    let type: StaticType

    /// Parses and checks `source`: syntax, unknown functions, argument counts, types visible
    /// from literals (`'a' * 2`), literal regular expressions, date formats and units.
    /// - Parameter requireBoolean: also reject expressions that can never be true or false
    ///   (for filters and validators).
    public init(parsing source: String, requireBoolean: Bool = false) throws(ExpressionError) {
        let tree = try ExpressionParser.parse(source)
        let (root, type) = try ExpressionCompiler(source: source).compile(tree)
        if requireBoolean, !type.mayBeBool {
            throw ExpressionError(source: source, position: tree.offset + 1, message: "expected a condition (true or false), found \(type.article)")
        }
        self.source = source
        self.root = root
        self.type = type
    }

    public var description: String { source }

    /// The names of every batch field the expression may read, for projection pushdown.
    /// A dotted path contributes every name it could resolve to (`address.city` and `address`).
    public var referencedFields: Set<String> {
        Set(fieldPaths.flatMap { $0.candidateFields.map(\.name) })
    }

    /// The field paths read, in first-seen order.
    var fieldPaths: [FieldPath] {
        var paths: [FieldPath] = []
        root.collectFields(into: &paths)
        return paths
    }

    /// The result over every row of `batch`, and the rows that failed (at most one reason per
    /// row, in row order). Failed rows hold null; absent results are null, never absent.
    /// - Parameter now: the value of `now()`, the run's start time.
    public func evaluate(_ batch: RecordBatch, now: Timestamp) -> ExpressionResult {
        var frame = EvaluationFrame(batch: batch, context: EvaluationContext(now: now))
        let vector = BatchEvaluator.evaluate(root, &frame)
        let rowErrors = Self.firstPerRow(frame.errors)
        return ExpressionResult(column: Self.nullingFailedRows(vector.column(count: batch.count), rowErrors), rowErrors: rowErrors)
    }

    /// `column` with every failed row null. A failure makes its sub-expression null, but a
    /// function that skips nulls (`concat(amount - 'x', '/')`) still gives a value; the row
    /// failed all the same, so it holds null as documented.
    private static func nullingFailedRows(_ column: Column, _ errors: [ExpressionRowError]) -> Column {
        guard errors.contains(where: { !column.value(at: $0.row).isNull }) else { return column }
        let failed = Set(errors.map(\.row))
        var builder = ColumnBuilder(capacity: column.count)
        for row in 0..<column.count {
            if failed.contains(row) { builder.appendNull() } else { builder.append(from: column, row: row) }
        }
        return builder.build()
    }

    /// Which rows are true (false and null rows are not), for filters; plus the rows that
    /// failed, including rows whose value is not a boolean at all.
    public func evaluateMask(_ batch: RecordBatch, now: Timestamp) -> (mask: [Bool], rowErrors: [ExpressionRowError]) {
        var frame = EvaluationFrame(batch: batch, context: EvaluationContext(now: now))
        let vector = BatchEvaluator.evaluate(root, &frame)
        var errors = frame.errors
        // A failed row is never true, whatever value its failure left behind (see ``evaluate(_:now:)``).
        var mask = vector.mask(count: batch.count)
        for error in errors where mask.indices.contains(error.row) { mask[error.row] = false }
        if case .column(let c) = vector, case .bools = c.storage {
        } else {
            for row in 0..<batch.count {
                let v = vector.value(at: row)
                if case .bool = v { continue }
                if v.isNull { continue }
                errors.append(ExpressionRowError(row: row, reason: "expected true or false, found \(v.kindName) \(v.quotedText)"))
            }
        }
        return (mask, Self.firstPerRow(errors))
    }

    private static func firstPerRow(_ errors: [ExpressionRowError]) -> [ExpressionRowError] {
        guard errors.count > 1 else { return errors }
        var seen = Set<Int>()
        return errors.enumerated()
            .sorted { ($0.element.row, $0.offset) < ($1.element.row, $1.offset) }
            .map(\.element)
            .filter { seen.insert($0.row).inserted }
    }
}

/// The values of an expression over a batch, and the rows whose value could not be computed.
public struct ExpressionResult: Sendable {
    /// One value per row of the batch.
    public var column: Column
    /// Rows that failed, in row order, one reason each; their value in ``column`` is null.
    public var rowErrors: [ExpressionRowError]
}
