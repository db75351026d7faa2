/// One cell of data: JSON-compatible, plus timestamps.
///
/// Modeled on swift-log's `Logger.MetadataValue`: a small enum that is cheap to copy and
/// switch over. Hot paths work on typed ``Column`` storage instead; `Value` is the general
/// currency for nested or mixed data, configuration and API bodies.
public enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case timestamp(Timestamp)
    case array([Value])
    case object(ValueObject)
}

extension Value {
    /// Whether this is `.null`.
    @inlinable public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The numeric value of an int or double, `nil` otherwise.
    @inlinable public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The string payload, `nil` for any other case.
    @inlinable public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object payload, `nil` for any other case.
    @inlinable public var objectValue: ValueObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array payload, `nil` for any other case.
    @inlinable public var arrayValue: [Value]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The name of this value's kind as users see it in error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .timestamp: return "date"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Reads a nested value by a dotted path (`"data.items"`); `nil` when any step is missing.
    public func value(atPath path: String) -> Value? {
        if path.isEmpty { return self }
        var current = self
        for key in path.split(separator: ".", omittingEmptySubsequences: true) {
            guard case .object(let object) = current, let next = object[String(key)] else { return nil }
            current = next
        }
        return current
    }
}

extension Value: Equatable {
    /// Numbers compare by value across int and double (`1 == 1.0`), as in JSON.
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
        case (.string(let a), .string(let b)): return a == b
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }
}

extension Value: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .int(let i):
            // Hash integers that a double can hold exactly like that double, so 1 and 1.0 collide.
            hasher.combine(2)
            if i.magnitude < (1 << 53) { hasher.combine(Double(i)) } else { hasher.combine(i) }
        case .double(let d):
            hasher.combine(2)
            if d.rounded() == d, d.magnitude < 9.3e18, Int(d).magnitude >= (1 << 53) {
                hasher.combine(Int(d))
            } else {
                hasher.combine(d)
            }
        case .string(let s): hasher.combine(3); hasher.combine(s)
        case .timestamp(let t): hasher.combine(4); hasher.combine(t)
        case .array(let a): hasher.combine(5); hasher.combine(a)
        case .object(let o): hasher.combine(6); hasher.combine(o)
        }
    }
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .object(ValueObject(elements))
    }
}

extension Value: CustomStringConvertible {
    /// The value as compact JSON.
    public var description: String { JSONText.string(self) }
}
