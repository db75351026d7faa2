/// Decodes `Decodable` types from a parsed ``Value`` tree.
///
/// Job bodies are parsed once into `Value` (which keeps key order), then decoded here into
/// the typed spec and each component's `Config`. Errors become ``SpecError``s with the
/// exact path and a sentence a user can act on, rather than Foundation's debug text.
///
/// Decoding is strict: a key of an object that the type never asked for is an error
/// (`delimter: unknown key; did you mean 'delimiter'?`), so a misspelt setting can never
/// be silently ignored, even where a declared shape and the decoding code disagree.
/// Objects a type reads whole (as a ``Value``, or by walking `allKeys`) check their own keys.
public struct ValueDecoder: Sendable {
    /// Whether a key nobody asked for is an error (off only for state the server wrote itself,
    /// so a spec stored by an older version still loads).
    public var rejectsUnknownKeys: Bool

    public init(rejectsUnknownKeys: Bool = true) {
        self.rejectsUnknownKeys = rejectsUnknownKeys
    }

    /// Decodes `type` from `value`; errors carry paths relative to `value`.
    public func decode<T: Decodable>(_ type: T.Type, from value: Value) throws(SpecError) -> T {
        let ledger = rejectsUnknownKeys ? KeyLedger() : nil
        let decoded: T
        do {
            decoded = try ValueDecoding(value: value, codingPath: [], ledger: ledger).decodeValue(type)
        } catch let error as SpecError {
            throw error
        } catch let error as DecodingError {
            throw SpecError(decodingError: error)
        } catch {
            throw SpecError("\(error)")
        }
        if let unknown = ledger?.unrequestedKeys().first { throw unknown }
        return decoded
    }

    /// The keys decoding `type` asked for at each object path of `value`.
    public func requestedKeys<T: Decodable>(_ type: T.Type, in value: Value) -> [String: [String]] {
        let ledger = KeyLedger()
        _ = try? ValueDecoding(value: value, codingPath: [], ledger: ledger).decodeValue(type)
        return ledger.entries.filter { !$0.value.isOpen }.mapValues(\.requested)
    }
}

extension SpecError {
    /// Translates a `DecodingError` into a path and a plain sentence.
    public init(decodingError: DecodingError) {
        switch decodingError {
        case .typeMismatch(let type, let context):
            self.init(path: SpecPath.from(context.codingPath), "expected \(ValueDecoding.describe(type))\(context.debugDescription.isEmpty ? "" : ", " + context.debugDescription)")
        case .valueNotFound(let type, let context):
            self.init(path: SpecPath.from(context.codingPath), "expected \(ValueDecoding.describe(type)), found null")
        case .keyNotFound(let key, let context):
            self.init(path: SpecPath.from(context.codingPath + [key]), "required field is missing")
        case .dataCorrupted(let context):
            // Swift's own text for a string enum ("Cannot initialize Mode from invalid String
            // value x") names a type, not what the user can write; the declared shapes normally
            // answer first with the allowed values.
            let text = context.debugDescription
            if text.hasPrefix("Cannot initialize"), let quoted = text.split(separator: " ").last {
                self.init(path: SpecPath.from(context.codingPath), "unknown value '\(quoted)'")
            } else {
                self.init(path: SpecPath.from(context.codingPath), text)
            }
        @unknown default:
            self.init("\(decodingError)")
        }
    }
}

/// Which keys of each decoded object were present and which the decoding code asked for.
final class KeyLedger {
    struct Entry {
        var present: [String]
        var requested: [String] = []
        /// Set when the code reads the object whole; it then checks the keys itself.
        var isOpen = false
    }

    private(set) var entries: [String: Entry] = [:]
    private var order: [String] = []

    func opened(_ path: String, keys: [String]) {
        if entries[path] == nil {
            entries[path] = Entry(present: keys)
            order.append(path)
        }
    }

    func requested(_ key: String, at path: String) {
        guard var entry = entries[path], !entry.requested.contains(key) else { return }
        entry.requested.append(key)
        entries[path] = entry
    }

    func readWhole(_ path: String) {
        entries[path]?.isOpen = true
    }

    /// An error for each present key that nobody asked for, in document order.
    func unrequestedKeys() -> [SpecError] {
        var errors: [SpecError] = []
        for path in order {
            guard let entry = entries[path], !entry.isOpen else { continue }
            for key in entry.present where !entry.requested.contains(key) {
                errors.append(SpecError(path: SpecPath.join(path, key), ShapeValidator.unknownKey(key, expected: entry.requested)))
            }
        }
        return errors
    }
}

struct ValueDecoding: Decoder {
    let value: Value
    let codingPath: [any CodingKey]
    let ledger: KeyLedger?
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            // A type of ours (a config struct, an enum): say the JSON kind, never the Swift name.
            return "a valid value"
        }
    }

    /// Decodes `type`, handing over `Value`s as they are instead of rebuilding them.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if let same = value as? T {
            ledger?.readWhole(SpecPath.from(codingPath))
            return same
        }
        return try T(from: self)
    }

    func mismatch(_ type: Any.Type) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "found \(value.kindName)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw DecodingError.typeMismatch(
                [String: Value].self, .init(codingPath: codingPath, debugDescription: "found \(value.kindName)"))
        }
        let path = SpecPath.from(codingPath)
        ledger?.opened(path, keys: object.keys)
        return KeyedDecodingContainer(KeyedValueContainer<Key>(object: object, codingPath: codingPath, ledger: ledger, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else {
            throw DecodingError.typeMismatch(
                [Value].self, .init(codingPath: codingPath, debugDescription: "found \(value.kindName)"))
        }
        return UnkeyedValueContainer(items: items, codingPath: codingPath, ledger: ledger)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }
}

private struct KeyedValueContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: ValueObject
    let codingPath: [any CodingKey]
    let ledger: KeyLedger?
    let path: String

    var allKeys: [Key] {
        ledger?.readWhole(path)
        return object.keys.compactMap { Key(stringValue: $0) }
    }

    func note(_ key: Key) { ledger?.requested(key.stringValue, at: path) }

    func contains(_ key: Key) -> Bool {
        note(key)
        return object[key.stringValue] != nil
    }

    func child(_ key: Key) throws -> ValueDecoding {
        note(key)
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: ""))
        }
        return ValueDecoding(value: value, codingPath: codingPath + [key], ledger: ledger)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        note(key)
        return object[key.stringValue]?.isNull ?? true
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let decoder = try child(key)
        if decoder.value.isNull, !(T.self == Value.self) {
            throw DecodingError.valueNotFound(type, .init(codingPath: decoder.codingPath, debugDescription: ""))
        }
        return try decoder.decodeValue(type)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        note(key)
        guard let value = object[key.stringValue], !value.isNull else { return nil }
        return try ValueDecoding(value: value, codingPath: codingPath + [key], ledger: ledger).decodeValue(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ValueDecoding(value: .object(object), codingPath: codingPath, ledger: ledger) }

    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct UnkeyedValueContainer: UnkeyedDecodingContainer {
    let items: [Value]
    let codingPath: [any CodingKey]
    let ledger: KeyLedger?
    var currentIndex = 0

    init(items: [Value], codingPath: [any CodingKey], ledger: KeyLedger?) {
        self.items = items
        self.codingPath = codingPath
        self.ledger = ledger
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func next() throws -> ValueDecoding {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Value.self, .init(codingPath: codingPath, debugDescription: "array has too few elements"))
        }
        let decoder = ValueDecoding(value: items[currentIndex], codingPath: codingPath + [AnyCodingKey(index: currentIndex)], ledger: ledger)
        currentIndex += 1
        return decoder
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoding
    var codingPath: [any CodingKey] { decoder.codingPath }
    var value: Value { decoder.value }

    func decodeNil() -> Bool { value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let b) = value else { throw decoder.mismatch(type) }
        return b
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let s) = value else { throw decoder.mismatch(type) }
        return s
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let d = value.number else { throw decoder.mismatch(type) }
        return d
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        switch value {
        case .int(let i):
            guard let exact = I(exactly: i) else { throw decoder.mismatch(type) }
            return exact
        case .double(let d):
            guard let exact = I(exactly: d) else { throw decoder.mismatch(type) }
            return exact
        default:
            throw decoder.mismatch(type)
        }
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}
