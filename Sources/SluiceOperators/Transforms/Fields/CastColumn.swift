import SluiceCore

/// Casts a whole column to a ``CastType``: typed loops for the common layouts (text to
/// number, integer or boolean; numbers to integer or number) and a `Value` loop for the rest.
struct CastColumn {
    /// The converted column; rows that failed are null in it.
    var column: Column
    /// The rows whose value could not be converted, in order.
    var failed: [Int]

    /// `column` (of `count` rows) cast to `type`.
    init(_ column: Column, to type: CastType, count: Int) {
        switch (type, column.storage) {
        case (.number, .ints), (.number, .doubles), (.integer, .ints), (.boolean, .bools), (.string, .text):
            self.init(column: column, failed: [])
        case (.number, .text(let t)):
            self = Self.numbers(t, presence: column.presence, count: count)
        case (.integer, .text(let t)):
            self = Self.integers(count: count, presence: column.presence) { row in
                t.withBytes(at: row) { CastText.integer($0) }
            }
        case (.integer, .doubles(let a)):
            self = Self.integers(count: count, presence: column.presence) { row in
                CastText.roundedInteger(a[row], rule: .toNearestOrEven)
            }
        case (.boolean, .text(let t)):
            self = Self.booleans(t, presence: column.presence, count: count)
        default:
            self = Self.values(column, to: type, count: count)
        }
    }

    private init(column: Column, failed: [Int]) {
        self.column = column
        self.failed = failed
    }

    /// Marks `row` as failed: null in `presence`, listed in `failed`.
    @inline(__always)
    private static func fail(_ row: Int, count: Int, presence: inout [Column.Presence]?, failed: inout [Int]) {
        if presence == nil { presence = Array(repeating: .present, count: count) }
        presence?[row] = .null
        failed.append(row)
    }

    /// Text to numbers: integers while every value is one, doubles from the first fraction on.
    private static func numbers(_ t: TextColumn, presence input: [Column.Presence]?, count: Int) -> CastColumn {
        var presence = input
        var failed: [Int] = []
        var ints: [Int] = []
        var doubles: [Double] = []
        var allInts = true
        ints.reserveCapacity(count)
        t.bytes.withUnsafeBytes { bytes in
            for row in 0..<count {
                var parsed: ParsedNumber? = nil
                if input?[row] ?? .present == .present {
                    parsed = CastText.number(UnsafeRawBufferPointer(rebasing: bytes[t.range(row)]))
                    if parsed == nil { fail(row, count: count, presence: &presence, failed: &failed) }
                }
                switch parsed {
                case .int(let i):
                    if allInts { ints.append(i) } else { doubles.append(Double(i)) }
                case .double(let d):
                    if allInts {
                        allInts = false
                        doubles.reserveCapacity(count)
                        doubles.append(contentsOf: ints.lazy.map(Double.init))
                        ints = []
                    }
                    doubles.append(d)
                case nil:
                    if allInts { ints.append(0) } else { doubles.append(0) }
                }
            }
        }
        let storage: Column.Storage = allInts ? .ints(ints) : .doubles(doubles)
        return CastColumn(column: Column(storage: storage, presence: presence), failed: failed)
    }

    /// Any layout to integers through `convert`, which is only called for present rows.
    @inline(__always)
    private static func integers(count: Int, presence input: [Column.Presence]?, _ convert: (Int) -> Int?) -> CastColumn {
        var presence = input
        var failed: [Int] = []
        let ints = [Int](unsafeUninitializedCapacity: count) { out, initialized in
            for row in 0..<count {
                guard input?[row] ?? .present == .present else {
                    out.initializeElement(at: row, to: 0)
                    continue
                }
                if let value = convert(row) {
                    out.initializeElement(at: row, to: value)
                } else {
                    out.initializeElement(at: row, to: 0)
                    fail(row, count: count, presence: &presence, failed: &failed)
                }
            }
            initialized = count
        }
        return CastColumn(column: Column(storage: .ints(ints), presence: presence), failed: failed)
    }

    /// Text to booleans.
    private static func booleans(_ t: TextColumn, presence input: [Column.Presence]?, count: Int) -> CastColumn {
        var presence = input
        var failed: [Int] = []
        var bools: [Bool] = []
        bools.reserveCapacity(count)
        for row in 0..<count {
            guard input?[row] ?? .present == .present else {
                bools.append(false)
                continue
            }
            if let b = t.withBytes(at: row, { CastText.boolean($0) }) {
                bools.append(b)
            } else {
                bools.append(false)
                fail(row, count: count, presence: &presence, failed: &failed)
            }
        }
        return CastColumn(column: Column(storage: .bools(bools), presence: presence), failed: failed)
    }

    /// Any layout, one `Value` at a time; absent rows stay absent.
    private static func values(_ column: Column, to type: CastType, count: Int) -> CastColumn {
        var builder = ColumnBuilder(capacity: count)
        var failed: [Int] = []
        for row in 0..<count {
            switch column.presence(at: row) {
            case .absent: builder.appendAbsent()
            case .null: builder.appendNull()
            case .present:
                if let converted = type.cast(column.value(at: row)) {
                    builder.append(converted)
                } else {
                    builder.appendNull()
                    failed.append(row)
                }
            }
        }
        return CastColumn(column: builder.build(), failed: failed)
    }
}
