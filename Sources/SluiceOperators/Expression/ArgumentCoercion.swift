import SluiceCore

/// Reads function arguments as the kind a parameter wants, or fails the row with a reason.
enum ArgumentCoercion {
    /// Text: strings as they are; numbers, booleans and dates as their text.
    static func text(_ value: Value) throws(RowFailure) -> String {
        switch value {
        case .string(let s): return s
        case .int, .double, .bool, .timestamp: return value.plainText
        case .null, .array, .object: throw RowFailure("expected text, found \(value.kindName)")
        }
    }

    /// A number: ints, doubles and text that spells a number.
    static func number(_ value: Value) throws(RowFailure) -> ParsedNumber {
        switch value {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s):
            guard let n = NumberText.parse(s) else { throw RowFailure("'\(s)' is not a number") }
            return n
        default: throw RowFailure("expected a number, found \(value.kindName)")
        }
    }

    /// A double.
    static func double(_ value: Value) throws(RowFailure) -> Double {
        try number(value).double
    }

    /// A whole number: an int, or a number without a fraction.
    static func integer(_ value: Value) throws(RowFailure) -> Int {
        switch try number(value) {
        case .int(let i): return i
        case .double(let d):
            guard d.rounded() == d, let i = Int(exactly: d) else { throw RowFailure("expected a whole number, found \(value.plainText)") }
            return i
        }
    }

    /// A date: a timestamp, or ISO 8601 text.
    static func timestamp(_ value: Value) throws(RowFailure) -> Timestamp {
        switch value {
        case .timestamp(let t): return t
        case .string(let s):
            guard let t = Timestamp(iso8601: s) else { throw RowFailure("cannot read '\(s)' as an ISO 8601 date") }
            return t
        default: throw RowFailure("expected a date, found \(value.kindName)")
        }
    }

    /// A boolean.
    static func bool(_ value: Value) throws(RowFailure) -> Bool {
        guard case .bool(let b) = value else { throw RowFailure("expected a boolean, found \(value.kindName)") }
        return b
    }
}

extension Optional {
    /// The wrapped value, or what `make` builds (a typed-throws `??`).
    @inline(__always)
    func orElse(_ make: () throws(RowFailure) -> Wrapped) throws(RowFailure) -> Wrapped {
        if let self { return self }
        return try make()
    }
}
