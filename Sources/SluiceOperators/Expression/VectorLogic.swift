import SluiceCore

/// Three-valued `&&` and `||` over vectors, with a typed loop for boolean columns.
enum VectorLogic {
    static func apply(isAnd: Bool, _ left: ExpressionVector, _ right: ExpressionVector, _ frame: inout EvaluationFrame) -> ExpressionVector {
        if let (x, xp) = bools(left, count: frame.count), let (y, yp) = bools(right, count: frame.count) {
            let n = frame.count
            var values = [Bool](repeating: false, count: n)
            var presence: [Column.Presence]? = nil
            if xp == nil && yp == nil {
                for i in 0..<n { values[i] = isAnd ? (x[i] && y[i]) : (x[i] || y[i]) }
            } else {
                var marks = [Column.Presence](repeating: .present, count: n)
                for i in 0..<n {
                    let a: Bool? = xp.map { $0[i] == .present } ?? true ? x[i] : nil
                    let b: Bool? = yp.map { $0[i] == .present } ?? true ? y[i] : nil
                    // The deciding value (false for &&, true for ||) wins over null.
                    if a == !isAnd || b == !isAnd {
                        values[i] = !isAnd
                    } else if let a, let b {
                        values[i] = isAnd ? (a && b) : (a || b)
                    } else {
                        marks[i] = .null
                    }
                }
                presence = marks
            }
            return .column(Column(storage: .bools(values), presence: presence))
        }
        return BatchEvaluator.perRow(&frame) { row throws(RowFailure) in
            let a = left.value(at: row)
            return isAnd
                ? try ScalarOperators.and(a) { right.value(at: row) }
                : try ScalarOperators.or(a) { right.value(at: row) }
        }
    }

    private static func bools(_ v: ExpressionVector, count: Int) -> ([Bool], [Column.Presence]?)? {
        switch v {
        case .constant(.bool(let b)): return (Array(repeating: b, count: count), nil)
        case .constant(.null): return (Array(repeating: false, count: count), Array(repeating: .null, count: count))
        case .constant: return nil
        case .column(let c):
            guard case .bools(let values) = c.storage else { return nil }
            return (values, c.presence)
        }
    }
}
