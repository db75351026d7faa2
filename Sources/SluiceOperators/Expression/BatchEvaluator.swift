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
            if case .column(let c) = v, case .bools(let values) = c.storage {
                return .column(Column(storage: .bools(values.map { !$0 }), presence: c.presence))
            }
            return perRow(&frame) { row throws(RowFailure) in try ScalarOperators.not(v.value(at: row)) }
        case .arithmetic(let op, let a, let b):
            let left = evaluate(a, &frame)
            let right = evaluate(b, &frame)
            return VectorArithmetic.apply(op, left, right, &frame)
        case .comparison(let op, let a, let b):
            let left = evaluate(a, &frame)
            let right = evaluate(b, &frame)
            return VectorComparison.apply(op, left, right, &frame)
        case .and(let a, let b), .or(let a, let b):
            let isAnd: Bool
            if case .and = node { isAnd = true } else { isAnd = false }
            let left = evaluate(a, &frame)
            var sub = frame.child()
            let right = evaluate(b, &sub)
            let result = VectorLogic.apply(isAnd: isAnd, left, right, &frame)
            // The right side decides nothing where the left is false (for &&) or true (for ||).
            frame.adopt(sub) { row in left.value(at: row) != .bool(!isAnd) }
            return result
        case .conditional(let branches, let otherwise):
            return conditional(branches, otherwise, &frame)
        case .coalesce(let items):
            return coalesce(items, &frame)
        case .call(let function, let arguments):
            let vectors = arguments.map { evaluate($0, &frame) }
            var values = [Value](repeating: .null, count: vectors.count)
            let context = frame.context
            return perRow(&frame) { row throws(RowFailure) in
                for i in 0..<vectors.count { values[i] = vectors[i].value(at: row) }
                return try function(values, context)
            }
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
        var conditionFrames: [EvaluationFrame] = []
        var valueFrames: [EvaluationFrame] = []
        var conditions: [ExpressionVector] = []
        var values: [ExpressionVector] = []
        for branch in branches {
            var c = frame.child()
            conditions.append(evaluate(branch.condition, &c))
            conditionFrames.append(c)
            var v = frame.child()
            values.append(evaluate(branch.value, &v))
            valueFrames.append(v)
        }
        var elseFrame = frame.child()
        let elseValue = evaluate(otherwise, &elseFrame)
        // chosen[row]: the branch taken (branches.count for else); a condition that is not a
        // boolean fails the row, which then takes no branch (-1).
        var chosen = [Int](repeating: branches.count, count: frame.count)
        var builder = ColumnBuilder(capacity: frame.count)
        var own: [ExpressionRowError] = []
        for row in 0..<frame.count {
            var pick = branches.count
            search: for (i, condition) in conditions.enumerated() {
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
                builder.append(pick < branches.count ? values[pick].value(at: row) : elseValue.value(at: row))
            }
        }
        // A condition was evaluated for a row when no earlier one was true.
        func reached(_ row: Int) -> Int { chosen[row] < 0 ? -1 - chosen[row] : chosen[row] }
        for (i, c) in conditionFrames.enumerated() { frame.adopt(c) { reached($0) >= i } }
        frame.errors += own
        for (i, v) in valueFrames.enumerated() { frame.adopt(v) { chosen[$0] == i } }
        frame.adopt(elseFrame) { chosen[$0] == branches.count }
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
        // Argument i was needed for a row when every earlier one was null there.
        for (i, f) in frames.enumerated() { frame.adopt(f) { used[$0] >= i } }
        return .column(builder.build())
    }
}
