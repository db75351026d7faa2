import SluiceCore

/// The operators on single values, with SQL null semantics: arithmetic and comparisons with
/// null give null; `&&` and `||` are three-valued. Typed batch paths must agree with these.
enum ScalarOperators {
    /// `a op b` for `+ - * / %`. Text that spells a number counts as that number; `/` always
    /// gives a double (as DuckDB's `/` does); integer overflow and division by zero fail the row.
    static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value) throws(RowFailure) -> Value {
        if a.isNull || b.isNull { return .null }
        let x = try operand(op, a)
        let y = try operand(op, b)
        if op != .divide, case .int(let i) = x, case .int(let j) = y {
            return .int(try integer(op, i, j))
        }
        return .double(try double(op, x.double, y.double))
    }

    private static func operand(_ op: BinaryOperator, _ value: Value) throws(RowFailure) -> ParsedNumber {
        switch value {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s):
            guard let n = NumberText.parse(s) else { throw RowFailure("cannot \(op.verb) '\(s)': not a number") }
            return n
        default: throw RowFailure("cannot \(op.verb) \(value.kindName) values")
        }
    }

    /// Integer `+ - * %` (and `/` as a double, which the caller never asks for here).
    @inline(__always)
    static func integer(_ op: BinaryOperator, _ a: Int, _ b: Int) throws(RowFailure) -> Int {
        let result: (partialValue: Int, overflow: Bool)
        switch op {
        case .add: result = a.addingReportingOverflow(b)
        case .subtract: result = a.subtractingReportingOverflow(b)
        case .multiply: result = a.multipliedReportingOverflow(by: b)
        case .remainder:
            guard b != 0 else { throw RowFailure("division by zero") }
            result = a.remainderReportingOverflow(dividingBy: b)
        default:
            throw RowFailure("integer \(op.rawValue) is not defined")
        }
        guard !result.overflow else { throw RowFailure("integer overflow") }
        return result.partialValue
    }

    /// Floating-point `+ - * / %`; division by zero and results that are not finite fail the row.
    @inline(__always)
    static func double(_ op: BinaryOperator, _ a: Double, _ b: Double) throws(RowFailure) -> Double {
        let result: Double
        switch op {
        case .add: result = a + b
        case .subtract: result = a - b
        case .multiply: result = a * b
        case .divide:
            guard b != 0 else { throw RowFailure("division by zero") }
            result = a / b
        case .remainder:
            guard b != 0 else { throw RowFailure("division by zero") }
            result = a.truncatingRemainder(dividingBy: b)
        default:
            throw RowFailure("\(op.rawValue) is not arithmetic")
        }
        guard result.isFinite || !a.isFinite || !b.isFinite else { throw RowFailure("numeric overflow") }
        return result
    }

    /// `a op b` for `== != < <= > >=`. Equality is the filter's loose equality (`'42' == 42`,
    /// kinds that never match are unequal); ordering of kinds that do not order (text that is
    /// not a number against a number) fails the row.
    static func comparison(_ op: BinaryOperator, _ a: Value, _ b: Value) throws(RowFailure) -> Value {
        if a.isNull || b.isNull { return .null }
        switch op {
        case .equal: return .bool(LooseComparison.equals(a, b))
        case .notEqual: return .bool(!LooseComparison.equals(a, b))
        default:
            guard let order = LooseComparison.order(a, b) else {
                throw RowFailure("cannot compare \(a.kindName) \(a.quotedText) with \(b.kindName) \(b.quotedText)")
            }
            return .bool(outcome(op, order))
        }
    }

    /// Whether an ordering result (-1, 0, 1) satisfies `op`.
    @inline(__always)
    static func outcome(_ op: BinaryOperator, _ order: Int) -> Bool {
        switch op {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        default: return false
        }
    }

    /// A condition's truth: true, false or null; anything else fails the row.
    static func truth(_ value: Value) throws(RowFailure) -> Bool? {
        switch value {
        case .null: return nil
        case .bool(let b): return b
        default: throw RowFailure("expected true or false, found \(value.kindName) \(value.quotedText)")
        }
    }

    /// Three-valued `&&`: false wins over null. `right` is evaluated only when needed.
    static func and(_ a: Value, _ right: () throws(RowFailure) -> Value) throws(RowFailure) -> Value {
        let x = try truth(a)
        if x == false { return .bool(false) }
        let y = try truth(try right())
        if y == false { return .bool(false) }
        if x == nil || y == nil { return .null }
        return .bool(true)
    }

    /// Three-valued `||`: true wins over null. `right` is evaluated only when needed.
    static func or(_ a: Value, _ right: () throws(RowFailure) -> Value) throws(RowFailure) -> Value {
        let x = try truth(a)
        if x == true { return .bool(true) }
        let y = try truth(try right())
        if y == true { return .bool(true) }
        if x == nil || y == nil { return .null }
        return .bool(false)
    }

    /// Unary minus.
    static func negate(_ value: Value) throws(RowFailure) -> Value {
        switch value {
        case .null: return .null
        case .int(let i):
            guard i != Int.min else { throw RowFailure("integer overflow") }
            return .int(-i)
        case .double(let d): return .double(-d)
        case .string(let s):
            guard let n = NumberText.parse(s) else { throw RowFailure("cannot negate '\(s)': not a number") }
            return try negate(n.value)
        default: throw RowFailure("cannot negate \(value.kindName) values")
        }
    }

    /// `!`.
    static func not(_ value: Value) throws(RowFailure) -> Value {
        guard let b = try truth(value) else { return .null }
        return .bool(!b)
    }
}
