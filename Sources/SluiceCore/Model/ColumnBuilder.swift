/// Builds a ``Column`` row by row, keeping typed storage while every value has one type and
/// falling back to `[Value]` storage at the first value of another type.
public struct ColumnBuilder: Sendable {
    private var storage: Column.Storage?
    private var presence: [Column.Presence] = []
    private var hasMissing = false
    private var pendingMissing = 0
    private let capacity: Int

    /// A builder expecting about `capacity` rows.
    public init(capacity: Int = 0) {
        self.capacity = capacity
        presence.reserveCapacity(capacity)
    }

    /// The number of rows appended so far.
    public var count: Int { presence.count }

    /// Appends an explicit null.
    public mutating func appendNull() { appendMissing(.null) }

    /// Appends a row where the record had no such key.
    public mutating func appendAbsent() { appendMissing(.absent) }

    private mutating func appendMissing(_ state: Column.Presence) {
        hasMissing = true
        presence.append(state)
        switch storage {
        case nil: pendingMissing += 1
        case .ints(var a): storage = nil; a.append(0); storage = .ints(a)
        case .doubles(var a): storage = nil; a.append(0); storage = .doubles(a)
        case .bools(var a): storage = nil; a.append(false); storage = .bools(a)
        case .text(var t): storage = nil; t.appendEmpty(); storage = .text(t)
        case .values(var a): storage = nil; a.append(.null); storage = .values(a)
        }
    }

    /// Appends an integer.
    public mutating func appendInt(_ value: Int) {
        presence.append(.present)
        switch storage {
        case .ints(var a): storage = nil; a.append(value); storage = .ints(a)
        case nil: storage = .ints(placeholders(0) + [value])
        default: appendFallback(.int(value))
        }
    }

    /// Appends a double.
    public mutating func appendDouble(_ value: Double) {
        presence.append(.present)
        switch storage {
        case .doubles(var a): storage = nil; a.append(value); storage = .doubles(a)
        case nil: storage = .doubles(placeholders(0) + [value])
        default: appendFallback(.double(value))
        }
    }

    /// Appends a boolean.
    public mutating func appendBool(_ value: Bool) {
        presence.append(.present)
        switch storage {
        case .bools(var a): storage = nil; a.append(value); storage = .bools(a)
        case nil: storage = .bools(placeholders(false) + [value])
        default: appendFallback(.bool(value))
        }
    }

    /// Appends text given as UTF-8 bytes.
    public mutating func appendText(_ bytes: UnsafeRawBufferPointer) {
        presence.append(.present)
        switch storage {
        case .text(var t): storage = nil; t.append(bytes); storage = .text(t)
        case nil:
            var t = TextColumn()
            t.reserve(values: capacity, bytes: capacity * 16)
            for _ in 0..<pendingMissing { t.appendEmpty() }
            t.append(bytes)
            storage = .text(t)
        default: appendFallback(.string(String(decoding: bytes, as: UTF8.self)))
        }
    }

    /// Appends text.
    public mutating func appendString(_ value: String) {
        var value = value
        value.withUTF8 { appendText(UnsafeRawBufferPointer($0)) }
    }

    /// Appends any value, choosing the typed path where one fits.
    public mutating func append(_ value: Value) {
        switch value {
        case .null: appendNull()
        case .int(let i): appendInt(i)
        case .double(let d): appendDouble(d)
        case .bool(let b): appendBool(b)
        case .string(let s): appendString(s)
        case .timestamp, .array, .object:
            presence.append(.present)
            appendFallback(value)
        }
    }

    /// Appends the row `row` of `column` as it is (present, null or absent).
    public mutating func append(from column: Column, row: Int) {
        switch column.presence(at: row) {
        case .null: appendNull()
        case .absent: appendAbsent()
        case .present:
            switch column.storage {
            case .ints(let a): appendInt(a[row])
            case .doubles(let a): appendDouble(a[row])
            case .bools(let a): appendBool(a[row])
            case .text(let t): t.withBytes(at: row) { appendText($0) }
            case .values(let a): append(a[row])
            }
        }
    }

    private func placeholders<T>(_ value: T) -> [T] {
        var a = [T]()
        a.reserveCapacity(capacity)
        a.append(contentsOf: repeatElement(value, count: pendingMissing))
        return a
    }

    /// Converts to `[Value]` storage and appends `value` (whose presence is already recorded).
    private mutating func appendFallback(_ value: Value) {
        var values: [Value]
        switch storage {
        case .values(let a): values = a
        case nil: values = Array(repeating: .null, count: pendingMissing)
        case let existing?:
            let column = Column(storage: existing, presence: nil)
            values = (0..<column.count).map { presence[$0] == .present ? column.value(at: $0) : .null }
        }
        storage = nil
        values.append(value)
        storage = .values(values)
    }

    /// The finished column.
    public func build() -> Column {
        let storage = self.storage ?? .values(Array(repeating: .null, count: pendingMissing))
        return Column(storage: storage, presence: hasMissing ? presence : nil)
    }
}
