/// Builds a ``Column`` row by row, keeping typed storage while every value has one type and
/// falling back to `[Value]` storage at the first value of another type.
///
/// Each kind has its own stored array (rather than an enum with payloads) so appends mutate
/// the array in place; extracting an enum payload would copy the buffer on every append.
public struct ColumnBuilder: Sendable {
    private enum Kind: Sendable { case empty, ints, doubles, bools, text, values }

    private var kind = Kind.empty
    private var ints: [Int] = []
    private var doubles: [Double] = []
    private var bools: [Bool] = []
    private var text = TextColumn()
    private var values: [Value] = []
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
        switch kind {
        case .empty: pendingMissing += 1
        case .ints: ints.append(0)
        case .doubles: doubles.append(0)
        case .bools: bools.append(false)
        case .text: text.appendEmpty()
        case .values: values.append(.null)
        }
    }

    /// Appends an integer.
    public mutating func appendInt(_ value: Int) {
        presence.append(.present)
        switch kind {
        case .ints: ints.append(value)
        case .empty:
            kind = .ints
            ints.reserveCapacity(capacity)
            ints.append(contentsOf: repeatElement(0, count: pendingMissing))
            ints.append(value)
        default: appendFallback(.int(value))
        }
    }

    /// Appends a double.
    public mutating func appendDouble(_ value: Double) {
        presence.append(.present)
        switch kind {
        case .doubles: doubles.append(value)
        case .empty:
            kind = .doubles
            doubles.reserveCapacity(capacity)
            doubles.append(contentsOf: repeatElement(0, count: pendingMissing))
            doubles.append(value)
        default: appendFallback(.double(value))
        }
    }

    /// Appends a boolean.
    public mutating func appendBool(_ value: Bool) {
        presence.append(.present)
        switch kind {
        case .bools: bools.append(value)
        case .empty:
            kind = .bools
            bools.reserveCapacity(capacity)
            bools.append(contentsOf: repeatElement(false, count: pendingMissing))
            bools.append(value)
        default: appendFallback(.bool(value))
        }
    }

    /// Appends text given as UTF-8 bytes.
    public mutating func appendText(_ bytes: UnsafeRawBufferPointer) {
        presence.append(.present)
        switch kind {
        case .text: text.append(bytes)
        case .empty:
            kind = .text
            text.reserve(values: capacity, bytes: capacity * 16)
            for _ in 0..<pendingMissing { text.appendEmpty() }
            text.append(bytes)
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

    /// Converts to `[Value]` storage and appends `value` (whose presence is already recorded).
    private mutating func appendFallback(_ value: Value) {
        if kind != .values {
            let existing = count - 1
            var converted: [Value] = []
            converted.reserveCapacity(Swift.max(capacity, existing + 1))
            for row in 0..<existing {
                guard presence[row] == .present else {
                    converted.append(.null)
                    continue
                }
                switch kind {
                case .ints: converted.append(.int(ints[row]))
                case .doubles: converted.append(.double(doubles[row]))
                case .bools: converted.append(.bool(bools[row]))
                case .text: converted.append(.string(text.string(at: row)))
                case .empty, .values: converted.append(.null)
                }
            }
            ints = []
            doubles = []
            bools = []
            text = TextColumn()
            values = converted
            kind = .values
        }
        values.append(value)
    }

    /// The finished column.
    public func build() -> Column {
        let storage: Column.Storage
        switch kind {
        case .empty: storage = .values(Array(repeating: .null, count: pendingMissing))
        case .ints: storage = .ints(ints)
        case .doubles: storage = .doubles(doubles)
        case .bools: storage = .bools(bools)
        case .text: storage = .text(text)
        case .values: storage = .values(values)
        }
        return Column(storage: storage, presence: hasMissing ? presence : nil)
    }
}
