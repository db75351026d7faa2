import SluiceCore

/// Builds a column from cells appended one at a time, choosing typed storage once at the end.
///
/// Used instead of SluiceCore's `ColumnBuilder`, whose appends currently copy the storage
/// built so far (quadratic in the row count: about 1 s for 16k text rows), until that is fixed.
struct ColumnAssembler {
    private var values: [Value] = []
    private var presence: [Column.Presence] = []
    private var hasMissing = false

    init(capacity: Int) {
        values.reserveCapacity(capacity)
        presence.reserveCapacity(capacity)
    }

    /// Appends a value (`.null` becomes a null row).
    @inline(__always)
    mutating func append(_ value: Value) {
        if value.isNull {
            appendMissing(.null)
        } else {
            values.append(value)
            presence.append(.present)
        }
    }

    /// Appends an explicit null.
    mutating func appendNull() { appendMissing(.null) }

    /// Appends row `row` of `column` as it is (present, null or absent).
    mutating func append(from column: Column, row: Int) {
        let state = column.presence(at: row)
        if state == .present {
            append(column.value(at: row))
        } else {
            appendMissing(state)
        }
    }

    private mutating func appendMissing(_ state: Column.Presence) {
        values.append(.null)
        presence.append(state)
        hasMissing = true
    }

    /// The column: ints, doubles, bools or text when every present value has that kind,
    /// `[Value]` storage otherwise.
    func build() -> Column {
        let presence = hasMissing ? presence : nil
        var kind: Int?  // 0 int, 1 double, 2 bool, 3 string, 4 mixed or nested
        for value in values {
            let k: Int
            switch value {
            case .null: continue
            case .int: k = 0
            case .double: k = 1
            case .bool: k = 2
            case .string: k = 3
            case .timestamp, .array, .object: k = 4
            }
            if kind == nil { kind = k } else if kind != k { kind = 4 }
            if kind == 4 { break }
        }
        switch kind {
        case 0: return Column(storage: .ints(values.map { if case .int(let i) = $0 { i } else { 0 } }), presence: presence)
        case 1: return Column(storage: .doubles(values.map { if case .double(let d) = $0 { d } else { 0 } }), presence: presence)
        case 2: return Column(storage: .bools(values.map { if case .bool(let b) = $0 { b } else { false } }), presence: presence)
        case 3:
            var text = TextColumn()
            text.reserve(values: values.count, bytes: values.count * 8)
            for value in values {
                if case .string(let s) = value { text.append(s) } else { text.appendEmpty() }
            }
            return Column(storage: .text(text), presence: presence)
        default:
            return Column(storage: .values(values), presence: presence)
        }
    }
}

/// Builds a text column from byte slices, for operators that cut text out of text.
struct TextColumnAssembler {
    private var text = TextColumn()
    private var presence: [Column.Presence] = []
    private var hasMissing = false

    init(capacity: Int, bytes: Int) {
        text.reserve(values: capacity, bytes: bytes)
        presence.reserveCapacity(capacity)
    }

    /// Appends one value's bytes.
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        text.append(bytes)
        presence.append(.present)
    }

    /// Appends a null.
    @inline(__always)
    mutating func appendNull() {
        text.appendEmpty()
        presence.append(.null)
        hasMissing = true
    }

    /// The column.
    func build() -> Column {
        Column(storage: .text(text), presence: hasMissing ? presence : nil)
    }
}
