import SluiceCore

/// Evaluates a compiled expression over a whole batch at once, node by node, with typed fast
/// paths for numbers, comparisons and booleans over typed columns and a per-row `Value` path
/// for the rest.
///
/// A failure on a row makes that row's value null and is recorded only where the failing
/// sub-expression's value is used: the right side of `&&` only where the left is not false,
/// an `if`/`case` branch only where it is chosen, a `coalesce` argument only where every
/// earlier one is null.
enum BatchEvaluator {
    // The functions that recurse (evaluate, operators, call, conditional, coalesce) keep
    // their frames small, since one set of them is on the stack per nesting level: the work
    // on the children's values is done in helpers once the children are evaluated.

    static func evaluate(_ node: CompiledNode, _ frame: inout EvaluationFrame) -> ExpressionVector {
        switch node {
        case .constant(let value):
            return .constant(value)
        case .field(let path):
            return FieldResolution.resolve(path, in: frame.batch)
        case .negate(let operand):
            let v = evaluate(operand, &frame)
            return VectorArithmetic.negate(v, &frame)
        case .not(let operand):
            let v = evaluate(operand, &frame)
            return not(v, &frame)
        case .operators(let first, let steps):
            return operators(first, steps, &frame)
        case .conditional(let branches, let otherwise):
            return conditional(branches, otherwise, &frame)
        case .coalesce(let items):
            return coalesce(items, &frame)
        case .call(let function, let arguments):
            return call(function, arguments, &frame)
        }
    }

    private static func not(_ v: ExpressionVector, _ frame: inout EvaluationFrame) -> ExpressionVector {
        if case .column(let c) = v, case .bools(let values) = c.storage {
            return .column(Column(storage: .bools(values.map { !$0 }), presence: c.presence))
        }
        return perRow(&frame) { row throws(RowFailure) in try ScalarOperators.not(v.value(at: row)) }
    }

    /// A run of binary operations, left to right, without recursing along the run.
    private static func operators(_ first: CompiledNode, _ steps: [CompiledOperation], _ frame: inout EvaluationFrame) -> ExpressionVector {
        var left = evaluate(first, &frame)
        for step in steps {
            switch step.kind {
            case .arithmetic(let op):
                let right = evaluate(step.operand, &frame)
                left = VectorArithmetic.apply(op, left, right, &frame)
            case .comparison(let op):
                let right = evaluate(step.operand, &frame)
                left = VectorComparison.apply(op, left, right, &frame)
            case .and, .or:
                var sub = frame.child()
                let right = evaluate(step.operand, &sub)
                left = logic(step.kind, left, right, sub, &frame)
            }
        }
        return left
    }

    /// `left && right` or `left || right`; the failures of the right side (in `sub`) count
    /// only where the left side does not decide alone (is not false for &&, not true for ||).
    private static func logic(
        _ kind: CompiledOperation.Kind, _ left: ExpressionVector, _ right: ExpressionVector, _ sub: EvaluationFrame,
        _ frame: inout EvaluationFrame
    ) -> ExpressionVector {
        let isAnd: Bool
        if case .and = kind { isAnd = true } else { isAnd = false }
        let result = VectorLogic.apply(isAnd: isAnd, left, right, &frame)
        frame.adopt(sub) { row in left.value(at: row) != .bool(!isAnd) }
        return result
    }

    private static func call(_ function: CompiledCall, _ arguments: [CompiledNode], _ frame: inout EvaluationFrame) -> ExpressionVector {
        var vectors: [ExpressionVector] = []
        vectors.reserveCapacity(arguments.count)
        for argument in arguments { vectors.append(evaluate(argument, &frame)) }
        return apply(function, vectors, &frame)
    }

    /// `function` applied row by row to its arguments' values.
    private static func apply(_ function: CompiledCall, _ vectors: [ExpressionVector], _ frame: inout EvaluationFrame) -> ExpressionVector {
        var values = [Value](repeating: .null, count: vectors.count)
        let context = frame.context
        return perRow(&frame) { row throws(RowFailure) in
            for i in 0..<vectors.count { values[i] = vectors[i].value(at: row) }
            return try function(values, context)
        }
    }

    /// Builds a column from a per-row computation; a failure gives null and is recorded.
    @inline(__always)
    static func perRow(_ frame: inout EvaluationFrame, _ compute: (Int) throws(RowFailure) -> Value) -> ExpressionVector {
        var builder = ColumnBuilder(capacity: frame.count)
        for row in 0..<frame.count {
            do {
                builder.append(try compute(row))
            } catch {
                frame.fail(row, error)
                builder.appendNull()
            }
        }
        return .column(builder.build())
    }

    private static func conditional(_ branches: [CompiledBranch], _ otherwise: CompiledNode, _ frame: inout EvaluationFrame) -> ExpressionVector {
        var parts = ConditionalParts()
        for branch in branches {
            var c = frame.child()
            parts.conditions.append(evaluate(branch.condition, &c))
            parts.conditionFrames.append(c)
            var v = frame.child()
            parts.values.append(evaluate(branch.value, &v))
            parts.valueFrames.append(v)
        }
        var elseFrame = frame.child()
        let elseValue = evaluate(otherwise, &elseFrame)
        return choose(parts, elseValue, elseFrame, &frame)
    }

    /// The evaluated branches of a conditional, each with the frame holding its failures.
    private struct ConditionalParts {
        var conditions: [ExpressionVector] = []
        var conditionFrames: [EvaluationFrame] = []
        var values: [ExpressionVector] = []
        var valueFrames: [EvaluationFrame] = []
    }

    /// Each row's value from the first branch whose condition is true there, else `elseValue`;
    /// a branch's failures count only on the rows that reached or chose it.
    private static func choose(
        _ parts: ConditionalParts, _ elseValue: ExpressionVector, _ elseFrame: EvaluationFrame, _ frame: inout EvaluationFrame
    ) -> ExpressionVector {
        let branchCount = parts.conditions.count
        // chosen[row]: the branch taken (branchCount for else); a condition that is not a
        // boolean fails the row, which then takes no branch (-1 - i).
        var chosen = [Int](repeating: branchCount, count: frame.count)
        var builder = ColumnBuilder(capacity: frame.count)
        var own: [ExpressionRowError] = []
        for row in 0..<frame.count {
            var pick = branchCount
            search: for (i, condition) in parts.conditions.enumerated() {
                let v = condition.value(at: row)
                switch v {
                case .bool(true):
                    pick = i
                    break search
                case .bool(false), .null:
                    continue
                default:
                    own.append(ExpressionRowError(row: row, reason: "expected true or false, found \(v.kindName) \(v.quotedText)"))
                    pick = -1 - i
                    break search
                }
            }
            chosen[row] = pick
            if pick < 0 {
                builder.appendNull()
            } else {
                builder.append(pick < branchCount ? parts.values[pick].value(at: row) : elseValue.value(at: row))
            }
        }
        // A condition was evaluated for a row when no earlier one was true.
        func reached(_ row: Int) -> Int { chosen[row] < 0 ? -1 - chosen[row] : chosen[row] }
        for (i, c) in parts.conditionFrames.enumerated() { frame.adopt(c) { reached($0) >= i } }
        frame.errors += own
        for (i, v) in parts.valueFrames.enumerated() { frame.adopt(v) { chosen[$0] == i } }
        frame.adopt(elseFrame) { chosen[$0] == branchCount }
        return .column(builder.build())
    }

    private static func coalesce(_ items: [CompiledNode], _ frame: inout EvaluationFrame) -> ExpressionVector {
        var frames: [EvaluationFrame] = []
        var vectors: [ExpressionVector] = []
        for item in items {
            var f = frame.child()
            vectors.append(evaluate(item, &f))
            frames.append(f)
        }
        return firstNonNull(vectors, frames, &frame)
    }

    /// Each row's first non-null value; argument i's failures count only on the rows where
    /// every earlier argument was null.
    private static func firstNonNull(_ vectors: [ExpressionVector], _ frames: [EvaluationFrame], _ frame: inout EvaluationFrame) -> ExpressionVector {
        if vectors.count == 1 { frame.adopt(frames[0]) { _ in true }; return vectors[0] }
        var used = [Int](repeating: 0, count: frame.count)
        var builder = ColumnBuilder(capacity: frame.count)
        for row in 0..<frame.count {
            var value = Value.null
            var last = 0
            for (i, vector) in vectors.enumerated() {
                last = i
                value = vector.value(at: row)
                if !value.isNull { break }
            }
            used[row] = last
            builder.append(value)
        }
        for (i, f) in frames.enumerated() { frame.adopt(f) { used[$0] >= i } }
        return .column(builder.build())
    }
}
