import SluiceCore

/// Encodes `Encodable` values into a ``Value`` tree, keeping object keys in the order they
/// are encoded.
///
/// Foundation's `JSONEncoder` reorders keys (it goes through a dictionary), which would
/// scramble the `config` objects inside stored specs; this encoder plus `JSONText` writes
/// them back exactly as submitted. (A candidate for SluiceCore, next to `ValueDecoder`.)
struct ValueEncoder {
    /// The value tree of `value`. `Value`s inside are taken as they are.
    func encode<T: Encodable>(_ value: T) throws -> Value {
        if let same = value as? Value { return same }
        let root = EncodingSlot()
        try value.encode(to: ValueEncoding(slot: root, codingPath: []))
        return root.value
    }

    /// The compact JSON text of `value`.
    func jsonText<T: Encodable>(_ value: T) throws -> String {
        JSONText.string(try encode(value))
    }
}

/// A node of the value tree under construction. A class so that nested containers can
/// keep filling their part after their parent has moved on, as `Encoder` requires.
private final class EncodingSlot {
    enum Kind { case empty, single, object, array }

    var kind = Kind.empty
    var single = Value.null
    var keys: [String] = []
    var children: [EncodingSlot] = []

    /// The finished value; a type that encoded nothing becomes `{}`, as with `JSONEncoder`.
    var value: Value {
        switch kind {
        case .empty: return .object(ValueObject())
        case .single: return single
        case .object: return .object(ValueObject(zip(keys, children.map(\.value))))
        case .array: return .array(children.map(\.value))
        }
    }

    func becomeObject() {
        if kind != .object {
            kind = .object
            keys = []
            children = []
        }
    }

    func becomeArray() {
        if kind != .array {
            kind = .array
            keys = []
            children = []
        }
    }

    func set(_ value: Value) {
        kind = .single
        single = value
    }

    func child(forKey key: String) -> EncodingSlot {
        let slot = EncodingSlot()
        keys.append(key)
        children.append(slot)
        return slot
    }

    func appendChild() -> EncodingSlot {
        let slot = EncodingSlot()
        children.append(slot)
        return slot
    }

    /// Encodes `value` into this slot.
    func encode<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        if let same = value as? Value {
            set(same)
        } else {
            try value.encode(to: ValueEncoding(slot: self, codingPath: codingPath))
        }
    }
}

private struct ValueEncoding: Encoder {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        slot.becomeObject()
        return KeyedEncodingContainer(KeyedValueContainer<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        slot.becomeArray()
        return UnkeyedValueContainer(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(slot: slot, codingPath: codingPath)
    }
}

/// The `Value` of a primitive, shared by the three container kinds.
private enum Primitive {
    static func double(_ d: Double) -> Value { d.isFinite ? .double(d) : .null }

    static func integer<I: BinaryInteger>(_ i: I) -> Value {
        if let exact = Int(exactly: i) { return .int(exact) }
        return .double(Double(i))
    }
}

private struct KeyedValueContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]

    func put(_ value: Value, _ key: Key) { slot.child(forKey: key.stringValue).set(value) }

    mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(Primitive.double(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(Primitive.double(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.int(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(Primitive.integer(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(Primitive.integer(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(Primitive.integer(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(Primitive.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(Primitive.integer(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(Primitive.integer(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(Primitive.integer(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(Primitive.integer(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(Primitive.integer(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try slot.child(forKey: key.stringValue).encode(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = slot.child(forKey: key.stringValue)
        child.becomeObject()
        return KeyedEncodingContainer(KeyedValueContainer<NestedKey>(slot: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = slot.child(forKey: key.stringValue)
        child.becomeArray()
        return UnkeyedValueContainer(slot: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        ValueEncoding(slot: slot.child(forKey: "super"), codingPath: codingPath + [AnyCodingKey("super")])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ValueEncoding(slot: slot.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedValueContainer: UnkeyedEncodingContainer {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]

    var count: Int { slot.children.count }

    var nextPath: [any CodingKey] { codingPath + [AnyCodingKey(index: count)] }

    func put(_ value: Value) { slot.appendChild().set(value) }

    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(Primitive.double(value)) }
    mutating func encode(_ value: Float) throws { put(Primitive.double(Double(value))) }
    mutating func encode(_ value: Int) throws { put(.int(value)) }
    mutating func encode(_ value: Int8) throws { put(Primitive.integer(value)) }
    mutating func encode(_ value: Int16) throws { put(Primitive.integer(value)) }
    mutating func encode(_ value: Int32) throws { put(Primitive.integer(value)) }
    mutating func encode(_ value: Int64) throws { put(Primitive.integer(value)) }
    mutating func encode(_ value: UInt) throws { put(Primitive.integer(value)) }
    mutating func encode(_ value: UInt8) throws { put(Primitive.integer(value)) }
    mutating func encode(_ value: UInt16) throws { put(Primitive.integer(value)) }
    mutating func encode(_ value: UInt32) throws { put(Primitive.integer(value)) }
    mutating func encode(_ value: UInt64) throws { put(Primitive.integer(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = nextPath
        try slot.appendChild().encode(value, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        let child = slot.appendChild()
        child.becomeObject()
        return KeyedEncodingContainer(KeyedValueContainer<NestedKey>(slot: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        let child = slot.appendChild()
        child.becomeArray()
        return UnkeyedValueContainer(slot: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextPath
        return ValueEncoding(slot: slot.appendChild(), codingPath: path)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.set(.null) }
    mutating func encode(_ value: Bool) throws { slot.set(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.set(.string(value)) }
    mutating func encode(_ value: Double) throws { slot.set(Primitive.double(value)) }
    mutating func encode(_ value: Float) throws { slot.set(Primitive.double(Double(value))) }
    mutating func encode(_ value: Int) throws { slot.set(.int(value)) }
    mutating func encode(_ value: Int8) throws { slot.set(Primitive.integer(value)) }
    mutating func encode(_ value: Int16) throws { slot.set(Primitive.integer(value)) }
    mutating func encode(_ value: Int32) throws { slot.set(Primitive.integer(value)) }
    mutating func encode(_ value: Int64) throws { slot.set(Primitive.integer(value)) }
    mutating func encode(_ value: UInt) throws { slot.set(Primitive.integer(value)) }
    mutating func encode(_ value: UInt8) throws { slot.set(Primitive.integer(value)) }
    mutating func encode(_ value: UInt16) throws { slot.set(Primitive.integer(value)) }
    mutating func encode(_ value: UInt32) throws { slot.set(Primitive.integer(value)) }
    mutating func encode(_ value: UInt64) throws { slot.set(Primitive.integer(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws { try slot.encode(value, codingPath: codingPath) }
}
