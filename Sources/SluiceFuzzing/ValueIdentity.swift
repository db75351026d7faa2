import SluiceCore

extension Value {
    /// Whether `self` and `other` are the same value of the same kind: unlike `==`, an int
    /// never equals a double, doubles compare by bit pattern (so `-0.0` is not `0.0` and a NaN
    /// equals the same NaN), and object keys must come in the same order.
    ///
    /// Round trips must keep every distinction JSON text can carry; `==` is looser on purpose
    /// (`1 == 1.0`, as in filters).
    public func isIdentical(to other: Value) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count
                && zip(a.pairs, b.pairs).allSatisfy { x, y in x.0.utf8.elementsEqual(y.0.utf8) && x.1.isIdentical(to: y.1) }
        default: return false
        }
    }

    /// `self` with every non-finite double replaced by null: what JSON text can say of it,
    /// since the writer spells infinities (and NaN) as `null`.
    public var withNonFiniteAsNull: Value {
        switch self {
        case .double(let d) where !d.isFinite: return .null
        case .array(let items): return .array(items.map(\.withNonFiniteAsNull))
        case .object(let object): return .object(ValueObject(object.pairs.map { ($0, $1.withNonFiniteAsNull) }))
        default: return self
        }
    }

    /// The deepest nesting of arrays and objects in `self` (a scalar is 0, `[]` is 1).
    public var nestingDepth: Int {
        switch self {
        case .array(let items): return 1 + (items.map(\.nestingDepth).max() ?? 0)
        case .object(let object): return 1 + (object.values.map(\.nestingDepth).max() ?? 0)
        default: return 0
        }
    }
}

extension ValueObject {
    /// Whether `self` and `other` hold the same keys with equal (`==`) values, in any order:
    /// how records read in different batches compare, since a batch orders its fields by
    /// first appearance and may store a field's numbers as doubles.
    public func hasSameFields(as other: ValueObject) -> Bool {
        count == other.count && pairs.allSatisfy { key, value in other[key].map { $0 == value } ?? false }
    }
}

/// Whether `bytes` are well-formed UTF-8 (decoding replaces nothing).
public func isValidUTF8<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
    String(decoding: bytes, as: UTF8.self).utf8.elementsEqual(bytes)
}
