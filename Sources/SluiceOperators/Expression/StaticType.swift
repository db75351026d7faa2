import SluiceCore

/// What the compiler knows about a value's type before any record is read. Field types are
/// unknown (``any``) until run time; literals and function results are known.
enum StaticType: Sendable, Equatable {
    case any, null, bool, int, double, number, string, timestamp

    /// Whether the value may be a number.
    var mayBeNumber: Bool {
        switch self {
        case .any, .null, .int, .double, .number: return true
        default: return false
        }
    }

    /// Whether the value may be a boolean.
    var mayBeBool: Bool { self == .any || self == .null || self == .bool }

    /// The type of a literal.
    init(of value: Value) {
        switch value {
        case .null: self = .null
        case .bool: self = .bool
        case .int: self = .int
        case .double: self = .double
        case .string: self = .string
        case .timestamp: self = .timestamp
        case .array, .object: self = .any
        }
    }

    /// The name used in messages (`a string`).
    var article: String {
        switch self {
        case .any: return "a value"
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double, .number: return "a number"
        case .string: return "a string"
        case .timestamp: return "a date"
        }
    }

    /// The result of arithmetic on two numbers of these types.
    static func arithmetic(_ op: BinaryOperator, _ a: StaticType, _ b: StaticType) -> StaticType {
        if a == .null || b == .null { return .null }
        if op == .divide { return .double }
        if a == .int && b == .int { return .int }
        if a == .double || b == .double { return .double }
        return .number
    }

    /// The common type of alternative results (`if`, `case`, `coalesce`).
    static func common(_ types: [StaticType]) -> StaticType {
        let known = types.filter { $0 != .null }
        guard let first = known.first else { return .null }
        if known.allSatisfy({ $0 == first }) { return first }
        if known.allSatisfy({ $0 == .int || $0 == .double || $0 == .number }) { return .number }
        return .any
    }
}

/// What a function parameter accepts. Values are converted at run time where the kind allows
/// (a number where text is wanted becomes its text); a literal of a kind that can never fit is
/// rejected when the expression is parsed.
enum ParameterKind: Sendable {
    /// Anything.
    case any
    /// A number, or text that spells one.
    case number
    /// A whole number (or a number with no fraction).
    case integer
    /// Text; numbers, booleans and dates are used as their text.
    case text
    /// A date, or ISO 8601 text.
    case timestamp
    /// A boolean.
    case bool

    /// Whether an argument of `type` can ever fit.
    func accepts(_ type: StaticType) -> Bool {
        switch self {
        case .any, .text: return true
        case .number, .integer: return type.mayBeNumber
        case .timestamp: return type == .any || type == .null || type == .timestamp || type == .string
        case .bool: return type.mayBeBool
        }
    }

    /// The name used in messages.
    var expected: String {
        switch self {
        case .any: return "a value"
        case .number: return "a number"
        case .integer: return "a whole number"
        case .text: return "text"
        case .timestamp: return "a date"
        case .bool: return "a boolean"
        }
    }
}
