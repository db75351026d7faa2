#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// Numeric functions. Integers stay integers where DuckDB keeps them (`abs`, `floor`, `ceil`,
/// `round`); `pow` and `sqrt` give doubles.
enum MathFunctions {
    static let definitions: [FunctionDefinition] = [
        FunctionDefinition("abs", arguments: 1...1, parameters: [.number], result: sameNumber, prepare: { _ in
            { a, _ throws(RowFailure) in
                switch try ArgumentCoercion.number(a[0]) {
                case .int(let i):
                    guard i != Int.min else { throw RowFailure("integer overflow") }
                    return .int(Swift.abs(i))
                case .double(let d): return .double(Swift.abs(d))
                }
            }
        }),
        FunctionDefinition("round", arguments: 1...2, parameters: [.number, .integer], result: sameNumber, prepare: { _ in
            { a, _ throws(RowFailure) in
                try round(try ArgumentCoercion.number(a[0]), digits: a.count > 1 ? try ArgumentCoercion.integer(a[1]) : 0)
            }
        }),
        FunctionDefinition("floor", arguments: 1...1, parameters: [.number], result: sameNumber, prepare: { _ in
            { a, _ throws(RowFailure) in
                switch try ArgumentCoercion.number(a[0]) {
                case .int(let i): return .int(i)
                case .double(let d): return .double(d.rounded(.down))
                }
            }
        }),
        FunctionDefinition("ceil", arguments: 1...1, parameters: [.number], result: sameNumber, prepare: { _ in
            { a, _ throws(RowFailure) in
                switch try ArgumentCoercion.number(a[0]) {
                case .int(let i): return .int(i)
                case .double(let d): return .double(d.rounded(.up))
                }
            }
        }),
        FunctionDefinition("pow", arguments: 2...2, parameters: [.number], returns: .double) { a, _ throws(RowFailure) in
            let result = pow(try ArgumentCoercion.double(a[0]), try ArgumentCoercion.double(a[1]))
            guard result.isFinite else { throw RowFailure("pow result is not a finite number") }
            return .double(result)
        },
        FunctionDefinition("sqrt", arguments: 1...1, parameters: [.number], returns: .double) { a, _ throws(RowFailure) in
            let x = try ArgumentCoercion.double(a[0])
            guard x >= 0 else { throw RowFailure("cannot take the square root of a negative number") }
            return .double(x.squareRoot())
        },
        FunctionDefinition("min", arguments: 1...1, variadic: true, parameters: [.any], nullPropagating: false, result: StaticType.common, prepare: { _ in
            { a, _ throws(RowFailure) in try extreme(a, wantsLess: true) }
        }),
        FunctionDefinition("max", arguments: 1...1, variadic: true, parameters: [.any], nullPropagating: false, result: StaticType.common, prepare: { _ in
            { a, _ throws(RowFailure) in try extreme(a, wantsLess: false) }
        }),
    ]

    /// The type of a function that keeps its argument's kind of number.
    private static let sameNumber: @Sendable ([StaticType]) -> StaticType = { types in
        switch types.first {
        case .int?: return .int
        case .double?: return .double
        case .null?: return .null
        default: return .number
        }
    }

    /// Rounds half away from zero to `digits` decimals (negative: to tens, hundreds, …), as
    /// DuckDB does; integers with `digits >= 0` are unchanged.
    static func round(_ number: ParsedNumber, digits: Int) throws(RowFailure) -> Value {
        switch number {
        case .int(let i):
            guard digits < 0 else { return .int(i) }
            guard digits > -19 else { return .int(0) }
            var modulus = 1
            for _ in 0..<(-digits) { modulus *= 10 }
            let quotient = i / modulus
            let rest = i % modulus
            var rounded = quotient
            if Swift.abs(rest) * 2 >= modulus { rounded += i < 0 ? -1 : 1 }
            let (result, overflow) = rounded.multipliedReportingOverflow(by: modulus)
            guard !overflow else { throw RowFailure("integer overflow") }
            return .int(result)
        case .double(let d):
            let result: Double
            if digits >= 0 {
                let modifier = pow(10, Double(digits))
                result = roundScaled(d, modifier) / modifier
            } else {
                let modifier = pow(10, Double(-digits))
                result = (d / modifier).rounded(.toNearestOrAwayFromZero) * modifier
            }
            return .double(result.isFinite ? result : d)
        }
    }

    /// `x * modifier` rounded half away from zero, judged on the exact product: `2.675` is
    /// really 2.67499999…, so `round(2.675, 2)` is 2.67, as DuckDB gives. The fused multiply-add
    /// tells exactly on which side of the midpoint the true product lies.
    static func roundScaled(_ x: Double, _ modifier: Double) -> Double {
        let product = x * modifier
        guard product.isFinite, product.magnitude < 4.5e15 else { return product.rounded(.toNearestOrAwayFromZero) }
        let lower = product.rounded(.down)
        let side = (-(lower + 0.5)).addingProduct(x, modifier)
        if side > 0 { return lower + 1 }
        if side < 0 { return lower }
        return x > 0 ? lower + 1 : lower
    }

    /// The least (or greatest) non-null argument, as DuckDB's `least`/`greatest`; null when
    /// every argument is null.
    static func extreme(_ values: [Value], wantsLess: Bool) throws(RowFailure) -> Value {
        var best: Value = .null
        for value in values where !value.isNull {
            if best.isNull {
                best = value
                continue
            }
            guard let order = LooseComparison.order(value, best) else {
                throw RowFailure("cannot compare \(value.kindName) \(value.quotedText) with \(best.kindName) \(best.quotedText)")
            }
            if wantsLess ? order < 0 : order > 0 { best = value }
        }
        return best
    }
}
