import SluiceCore

/// Conversions `to_int`, `to_double`, `to_string`, `to_bool`, and the null tests. A value
/// that cannot be converted fails the row (null plus a reason).
enum CastFunctions {
    static let definitions: [FunctionDefinition] = [
        FunctionDefinition("to_int", arguments: 1...1, parameters: [.any], returns: .int) { a, _ throws(RowFailure) in
            .int(try toInt(a[0]))
        },
        FunctionDefinition("to_double", arguments: 1...1, parameters: [.any], returns: .double) { a, _ throws(RowFailure) in
            switch a[0] {
            case .bool(let b): return .double(b ? 1 : 0)
            case .int, .double, .string:
                guard let n = try? ArgumentCoercion.number(a[0]) else { throw RowFailure("cannot convert \(a[0].quotedText) to a number") }
                return .double(n.double)
            default: throw RowFailure("cannot convert \(a[0].kindName) to a number")
            }
        },
        FunctionDefinition("to_string", arguments: 1...1, parameters: [.any], returns: .string) { a, _ in
            .string(a[0].plainText)
        },
        FunctionDefinition("to_bool", arguments: 1...1, parameters: [.any], returns: .bool) { a, _ throws(RowFailure) in
            .bool(try toBool(a[0]))
        },
        FunctionDefinition("is_null", arguments: 1...1, parameters: [.any], nullPropagating: false, returns: .bool) { a, _ in
            .bool(a[0].isNull)
        },
    ]

    /// An integer as DuckDB casts one: doubles round half to even, numeric text rounds half
    /// away from zero, booleans are 1 and 0.
    static func toInt(_ value: Value) throws(RowFailure) -> Int {
        switch value {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .double(let d):
            guard let i = Int(exactly: d.rounded(.toNearestOrEven)) else { throw RowFailure("cannot convert \(value.plainText) to an integer") }
            return i
        case .string(let s):
            switch NumberText.parse(s) {
            case .int(let i)?: return i
            case .double(let d)?:
                guard let i = Int(exactly: d.rounded(.toNearestOrAwayFromZero)) else {
                    throw RowFailure("cannot convert '\(s)' to an integer")
                }
                return i
            case nil: throw RowFailure("cannot convert '\(s)' to an integer")
            }
        default: throw RowFailure("cannot convert \(value.kindName) to an integer")
        }
    }

    /// A boolean: numbers are true unless zero; text `true/t/yes/y/1` or `false/f/no/n/0`
    /// (any case, surrounding spaces ignored).
    static func toBool(_ value: Value) throws(RowFailure) -> Bool {
        switch value {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s):
            switch s.trimmingSpaces.lowercased() {
            case "true", "t", "yes", "y", "1": return true
            case "false", "f", "no", "n", "0": return false
            default: throw RowFailure("cannot convert '\(s)' to a boolean")
            }
        default: throw RowFailure("cannot convert \(value.kindName) to a boolean")
        }
    }
}
