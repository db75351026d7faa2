/// A JSON object that keeps its keys in insertion order, so records round-trip as written.
///
/// Records are small (tens of keys), so lookups are a linear scan over contiguous arrays,
/// which beats hashing at that size and keeps the type a cheap value.
public struct ValueObject: Sendable, Hashable {
    /// The keys in insertion order.
    public private(set) var keys: [String]
    /// The values, parallel to ``keys``.
    public private(set) var values: [Value]

    /// An empty object.
    public init() {
        keys = []
        values = []
    }

    /// An object from key–value pairs; a repeated key keeps its last value at its first position.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, Value) {
        keys = []
        values = []
        for (key, value) in pairs { self[key] = value }
    }

    /// The number of keys.
    public var count: Int { keys.count }

    /// Whether the object has no keys.
    public var isEmpty: Bool { keys.isEmpty }

    /// The pairs in order.
    public var pairs: Zip2Sequence<[String], [Value]> { zip(keys, values) }

    /// The value for `key`; setting `nil` removes the key.
    public subscript(key: String) -> Value? {
        get {
            guard let index = keys.firstIndex(of: key) else { return nil }
            return values[index]
        }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Appends a key known not to be present yet (no duplicate check; used by parsers).
    public mutating func appendUnchecked(key: String, value: Value) {
        keys.append(key)
        values.append(value)
    }
}
