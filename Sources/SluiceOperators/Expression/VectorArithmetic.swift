import SluiceCore

/// Numbers of a vector in typed form, for the fast paths: integers or doubles, with presence.
enum NumericLane {
    case ints([Int])
    case doubles([Double])

    /// The lane of `vector` when it is a typed number column or a number literal.
    static func of(_ vector: ExpressionVector, count: Int) -> (lane: NumericLane, presence: [Column.Presence]?)? {
        switch vector {
        case .constant(.int(let i)): return (.ints(Array(repeating: i, count: count)), nil)
        case .constant(.double(let d)): return (.doubles(Array(repeating: d, count: count)), nil)
        case .constant: return nil
        case .column(let c):
            switch c.storage {
            case .ints(let a): return (.ints(a), c.presence)
            case .doubles(let a): return (.doubles(a), c.presence)
            default: return nil
            }
        }
    }

    /// The values as doubles.
    var doubles: [Double] {
        switch self {
        case .ints(let a): return a.map(Double.init)
        case .doubles(let a): return a
        }
    }
}

/// `+ - * / %` and unary minus over vectors, with typed loops for number columns. The loops
/// compute every row and, only when something went wrong (overflow, division by zero), make a
/// second pass through ``ScalarOperators`` to record the failures, so both paths agree.
enum VectorArithmetic {
    static func apply(_ op: BinaryOperator, _ left: ExpressionVector, _ right: ExpressionVector, _ frame: inout EvaluationFrame) -> ExpressionVector {
        if case .constant(.null) = left { return .constant(.null) }
        if case .constant(.null) = right { return .constant(.null) }
        let n = frame.count
        guard let (a, aPresence) = NumericLane.of(left, count: n), let (b, bPresence) = NumericLane.of(right, count: n) else {
            return BatchEvaluator.perRow(&frame) { row throws(RowFailure) in
                try ScalarOperators.arithmetic(op, left.value(at: row), right.value(at: row))
            }
        }
        var presence = ExpressionVector.combinedPresence(aPresence, bPresence)
        if case .ints(let x) = a, case .ints(let y) = b, op != .divide {
            var suspect = false
            let out = integerLoop(op, x, y, &suspect)
            if suspect {
                recheck(&presence, &frame) { row throws(RowFailure) in _ = try ScalarOperators.integer(op, x[row], y[row]) }
            }
            return .column(Column(storage: .ints(out), presence: presence))
        }
        let x = a.doubles
        let y = b.doubles
        var suspect = false
        let out = doubleLoop(op, x, y, &suspect)
        if suspect {
            recheck(&presence, &frame) { row throws(RowFailure) in _ = try ScalarOperators.double(op, x[row], y[row]) }
        }
        return .column(Column(storage: .doubles(out), presence: presence))
    }

    /// Marks rows that fail `check` as null failures (present rows only).
    private static func recheck(
        _ presence: inout [Column.Presence]?, _ frame: inout EvaluationFrame, _ check: (Int) throws(RowFailure) -> Void
    ) {
        var marks = presence ?? Array(repeating: .present, count: frame.count)
        for row in 0..<frame.count where marks[row] == .present {
            do {
                try check(row)
            } catch {
                frame.fail(row, error)
                marks[row] = .null
            }
        }
        presence = marks
    }

    private static func integerLoop(_ op: BinaryOperator, _ x: [Int], _ y: [Int], _ suspect: inout Bool) -> [Int] {
        let n = x.count
        var bad = false
        let out = [Int](unsafeUninitializedCapacity: n) { buffer, initialized in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    switch op {
                    case .add:
                        for i in 0..<n {
                            let (r, o) = x[i].addingReportingOverflow(y[i])
                            buffer[i] = r
                            bad = bad || o
                        }
                    case .subtract:
                        for i in 0..<n {
                            let (r, o) = x[i].subtractingReportingOverflow(y[i])
                            buffer[i] = r
                            bad = bad || o
                        }
                    case .multiply:
                        for i in 0..<n {
                            let (r, o) = x[i].multipliedReportingOverflow(by: y[i])
                            buffer[i] = r
                            bad = bad || o
                        }
                    default:
                        for i in 0..<n {
                            if y[i] == 0 {
                                buffer[i] = 0
                                bad = true
                            } else {
                                let (r, o) = x[i].remainderReportingOverflow(dividingBy: y[i])
                                buffer[i] = r
                                bad = bad || o
                            }
                        }
                    }
                }
            }
            initialized = n
        }
        suspect = bad
        return out
    }

    private static func doubleLoop(_ op: BinaryOperator, _ x: [Double], _ y: [Double], _ suspect: inout Bool) -> [Double] {
        let n = x.count
        var bad = false
        let out = [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    switch op {
                    case .add: for i in 0..<n { buffer[i] = x[i] + y[i] }
                    case .subtract: for i in 0..<n { buffer[i] = x[i] - y[i] }
                    case .multiply: for i in 0..<n { buffer[i] = x[i] * y[i] }
                    case .divide: for i in 0..<n { buffer[i] = x[i] / y[i] }
                    default: for i in 0..<n { buffer[i] = x[i].truncatingRemainder(dividingBy: y[i]) }
                    }
                    for i in 0..<n where !buffer[i].isFinite { bad = true }
                }
            }
            initialized = n
        }
        suspect = bad
        return out
    }

    /// Unary minus.
    static func negate(_ v: ExpressionVector, _ frame: inout EvaluationFrame) -> ExpressionVector {
        if case .column(let c) = v {
            switch c.storage {
            case .doubles(let a): return .column(Column(storage: .doubles(a.map { -$0 }), presence: c.presence))
            case .ints(let a) where !a.contains(Int.min):
                return .column(Column(storage: .ints(a.map { -$0 }), presence: c.presence))
            default: break
            }
        }
        return BatchEvaluator.perRow(&frame) { row throws(RowFailure) in try ScalarOperators.negate(v.value(at: row)) }
    }
}
