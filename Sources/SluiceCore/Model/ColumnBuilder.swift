/// Builds a ``Column`` row by row, keeping typed storage while every value has one type and
/// falling back to `[Value]` storage at the first value of another type.
///
/// Each kind has its own stored array (rather than an enum with payloads) so appends mutate
/// the array in place; extracting an enum payload would copy the buffer on every append.
/// Presence is only listed from the first null or absent row on (until then every row is
/// present), and the typed appends are inlinable, so a reader appending a present value
/// pays one array append.
public struct ColumnBuilder: Sendable {
    @usableFromInline enum Kind: Sendable { case empty, ints, doubles, bools, text, values }

    @usableFromInline var kind = Kind.empty
    @usableFromInline var ints: [Int] = []
    @usableFromInline var doubles: [Double] = []
    @usableFromInline var bools: [Bool] = []
    @usableFromInline var text = TextColumn()
    @usableFromInline var values: [Value] = []
    /// Per-row presence, kept only once a row is missing (until then every row is present).
    @usableFromInline var presence: [Column.Presence] = []
    @usableFromInline var hasMissing = false
    @usableFromInline var rows = 0
    @usableFromInline var pendingMissing = 0
    @usableFromInline let capacity: Int

    /// A builder expecting about `capacity` rows.
    public init(capacity: Int = 0) {
        self.capacity = capacity
    }

    /// The number of rows appended so far.
    public var count: Int { rows }

    /// Appends an explicit null.
    public mutating func appendNull() { appendMissing(.null) }

    /// Appends a row where the record had no such key.
    public mutating func appendAbsent() { appendMissing(.absent) }

    private mutating func appendMissing(_ state: Column.Presence) {
        if !hasMissing {
            hasMissing = true
            presence.reserveCapacity(Swift.max(capacity, rows + 1))
            presence.append(contentsOf: repeatElement(.present, count: rows))
        }
        presence.append(state)
        rows += 1
        switch kind {
        case .empty: pendingMissing += 1
        case .ints: ints.append(0)
        case .doubles: doubles.append(0)
        case .bools: bools.append(false)
        case .text: text.appendEmpty()
        case .values: values.append(.null)
        }
    }

    /// Counts one more present row.
    @inlinable @inline(__always)
    mutating func notePresent() {
        rows += 1
        if hasMissing { presence.append(.present) }
    }

    /// Appends an integer.
    @inlinable
    public mutating func appendInt(_ value: Int) {
        notePresent()
        if kind == .ints {
            ints.append(value)
        } else {
            appendSlow(.int(value))
        }
    }

    /// Appends a double.
    @inlinable
    public mutating func appendDouble(_ value: Double) {
        notePresent()
        if kind == .doubles {
            doubles.append(value)
        } else {
            appendSlow(.double(value))
        }
    }

    /// Appends a boolean.
    @inlinable
    public mutating func appendBool(_ value: Bool) {
        notePresent()
        if kind == .bools {
            bools.append(value)
        } else {
            appendSlow(.bool(value))
        }
    }

    /// Appends text given as UTF-8 bytes.
    @inlinable
    public mutating func appendText(_ bytes: UnsafeRawBufferPointer) {
        notePresent()
        if kind == .text {
            text.append(bytes)
        } else {
            appendTextSlow(bytes)
        }
    }

    /// The first value of a column (which decides its storage), or a value of another kind
    /// than the column's (which moves it to `[Value]` storage). The row is already counted.
    @usableFromInline
    mutating func appendSlow(_ value: Value) {
        guard kind == .empty else { return appendFallback(value) }
        switch value {
        case .int(let i):
            kind = .ints
            ints.reserveCapacity(capacity)
            ints.append(contentsOf: repeatElement(0, count: pendingMissing))
            ints.append(i)
        case .double(let d):
            kind = .doubles
            doubles.reserveCapacity(capacity)
            doubles.append(contentsOf: repeatElement(0, count: pendingMissing))
            doubles.append(d)
        case .bool(let b):
            kind = .bools
            bools.reserveCapacity(capacity)
            bools.append(contentsOf: repeatElement(false, count: pendingMissing))
            bools.append(b)
        default:
            appendFallback(value)
        }
    }

    /// ``appendText(_:)`` for a column that is not (yet) text.
    @usableFromInline
    mutating func appendTextSlow(_ bytes: UnsafeRawBufferPointer) {
        if kind == .empty {
            kind = .text
            text.reserve(values: capacity, bytes: capacity * 16)
            for _ in 0..<pendingMissing { text.appendEmpty() }
            text.append(bytes)
        } else {
            appendFallback(.string(String(decoding: bytes, as: UTF8.self)))
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
            notePresent()
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
            case .dictionary(let d): d.dictionary.withBytes(at: d.code(at: row)) { appendText($0) }
            case .values(let a): append(a[row])
            }
        }
    }

    /// Converts to `[Value]` storage and appends `value` (whose presence is already recorded).
    @usableFromInline
    mutating func appendFallback(_ value: Value) {
        if kind != .values {
            let existing = count - 1
            var converted: [Value] = []
            converted.reserveCapacity(Swift.max(capacity, existing + 1))
            for row in 0..<existing {
                guard !hasMissing || presence[row] == .present else {
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
