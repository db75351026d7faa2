/// One field's values across a batch, stored by type (Arrow-style) so hot paths avoid
/// boxing: integers and doubles in contiguous arrays, text as offsets into one byte buffer,
/// and a `[Value]` fallback for nested or mixed data.
public struct Column: Sendable {
    /// The typed storage. Entries for null or absent rows hold a placeholder (0, empty text).
    public enum Storage: Sendable {
        case ints([Int])
        case doubles([Double])
        case bools([Bool])
        case text(TextColumn)
        /// Text as codes into a dictionary; only operators that read it see it (see ``DictionaryText``).
        case dictionary(DictionaryText)
        case values([Value])
    }

    /// Whether a row has a value, an explicit null, or no such key at all.
    public enum Presence: UInt8, Sendable {
        case present = 0
        case null = 1
        case absent = 2
    }

    /// The values.
    public var storage: Storage
    /// Per-row presence; `nil` means every row is present.
    public var presence: [Presence]?

    public init(storage: Storage, presence: [Presence]? = nil) {
        self.storage = storage
        self.presence = presence
    }

    /// The number of rows.
    public var count: Int {
        switch storage {
        case .ints(let a): return a.count
        case .doubles(let a): return a.count
        case .bools(let a): return a.count
        case .text(let t): return t.count
        case .dictionary(let d): return d.count
        case .values(let a): return a.count
        }
    }

    /// The presence of row `row`.
    @inlinable public func presence(at row: Int) -> Presence {
        presence?[row] ?? .present
    }

    /// Whether row `row` holds a non-null value.
    @inlinable public func isPresent(_ row: Int) -> Bool {
        guard let presence else { return true }
        return presence[row] == .present
    }

    /// The value of row `row` (`.null` for null and absent rows).
    public func value(at row: Int) -> Value {
        guard isPresent(row) else { return .null }
        switch storage {
        case .ints(let a): return .int(a[row])
        case .doubles(let a): return .double(a[row])
        case .bools(let a): return .bool(a[row])
        case .text(let t): return .string(t.string(at: row))
        case .dictionary(let d): return .string(d.string(at: row))
        case .values(let a): return a[row]
        }
    }

    /// The numeric value of row `row` when it holds an int or double.
    @inlinable public func number(at row: Int) -> Double? {
        guard isPresent(row) else { return nil }
        switch storage {
        case .ints(let a): return Double(a[row])
        case .doubles(let a): return a[row]
        case .values(let a): return a[row].number
        case .bools, .text, .dictionary: return nil
        }
    }

    /// A column of `count` absent rows.
    public static func absent(count: Int) -> Column {
        Column(storage: .values(Array(repeating: .null, count: count)), presence: Array(repeating: .absent, count: count))
    }

    /// A column holding `values` (nulls become null rows).
    public init(values: [Value]) {
        var builder = ColumnBuilder(capacity: values.count)
        for value in values { builder.append(value) }
        self = builder.build()
    }

    /// The rows at `rows`, in that order, each array in one exact-size allocation.
    public func gathering(_ rows: [Int]) -> Column {
        let newPresence = presence.map { gatherElements($0, rows) }
        switch storage {
        case .ints(let a): return Column(storage: .ints(gatherElements(a, rows)), presence: newPresence)
        case .doubles(let a): return Column(storage: .doubles(gatherElements(a, rows)), presence: newPresence)
        case .bools(let a): return Column(storage: .bools(gatherElements(a, rows)), presence: newPresence)
        case .text(let t): return Column(storage: .text(t.gathering(rows)), presence: newPresence)
        case .dictionary(let d): return Column(storage: .dictionary(d.gathering(rows)), presence: newPresence)
        case .values(let a): return Column(storage: .values(gatherElements(a, rows)), presence: newPresence)
        }
    }

    /// Whether the values are dictionary-encoded text (see ``DictionaryText``).
    @inlinable public var isDictionaryText: Bool {
        if case .dictionary = storage { return true }
        return false
    }

    /// The column with dictionary-encoded text turned into a plain ``TextColumn``; any other
    /// column unchanged.
    public func flatteningDictionary() -> Column {
        guard case .dictionary(let d) = storage else { return self }
        return Column(storage: .text(d.flattened(presence: presence)), presence: presence)
    }
}

/// The elements of `source` at `rows`, in that order, in one exact-size allocation.
public func gatherElements<T>(_ source: [T], _ rows: [Int]) -> [T] {
    source.withUnsafeBufferPointer { source in
        rows.withUnsafeBufferPointer { rows in
            [T](unsafeUninitializedCapacity: rows.count) { out, count in
                for i in 0..<rows.count { out.initializeElement(at: i, to: source[rows[i]]) }
                count = rows.count
            }
        }
    }
}

/// Text values as UTF-8 bytes in one buffer with `count + 1` offsets.
public struct TextColumn: Sendable {
    /// All values' bytes, back to back.
    public var bytes: [UInt8]
    /// Start of value `i` is `offsets[i]`, its end `offsets[i + 1]`.
    public var offsets: [Int32]

    public init() {
        bytes = []
        offsets = [0]
    }

    public init(bytes: [UInt8], offsets: [Int32]) {
        self.bytes = bytes
        self.offsets = offsets
    }

    /// The number of values.
    public var count: Int { offsets.count - 1 }

    /// Reserves room for `values` values of `bytes` bytes in total.
    public mutating func reserve(values: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(values + 1)
        bytes.reserveCapacity(byteCount)
    }

    /// Appends one value's bytes.
    @inlinable public mutating func append(_ value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Appends one value.
    public mutating func append(_ value: String) {
        bytes.append(contentsOf: value.utf8)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Appends an empty value (the placeholder for null rows).
    @inlinable public mutating func appendEmpty() {
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// The byte range of value `i`.
    @inlinable public func range(_ i: Int) -> Range<Int> { Int(offsets[i])..<Int(offsets[i + 1]) }

    /// Value `i` as a `String`.
    public func string(at i: Int) -> String {
        let r = range(i)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }

    /// Calls `body` with the bytes of value `i`.
    @inlinable public func withBytes<R>(at i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let r = range(i)
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[r])) }
    }

    /// The values at `rows`, in that order: offsets first, then one copy per value into an
    /// exact-size buffer.
    public func gathering(_ rows: [Int]) -> TextColumn {
        offsets.withUnsafeBufferPointer { offsets in
            rows.withUnsafeBufferPointer { rows in
                var total = 0
                let newOffsets = [Int32](unsafeUninitializedCapacity: rows.count + 1) { out, count in
                    out[0] = 0
                    for i in 0..<rows.count {
                        total += Int(offsets[rows[i] + 1] - offsets[rows[i]])
                        out[i + 1] = Int32(truncatingIfNeeded: total)
                    }
                    count = rows.count + 1
                }
                let gathered = bytes.withUnsafeBytes { source in
                    [UInt8](unsafeUninitializedCapacity: total) { out, count in
                        guard let target = UnsafeMutableRawPointer(out.baseAddress), let base = source.baseAddress else {
                            count = 0
                            return
                        }
                        for i in 0..<rows.count {
                            let start = Int(offsets[rows[i]])
                            let length = Int(offsets[rows[i] + 1]) - start
                            target.advanced(by: Int(newOffsets[i])).copyMemory(from: base + start, byteCount: length)
                        }
                        count = total
                    }
                }
                return TextColumn(bytes: gathered, offsets: newOffsets)
            }
        }
    }
}
