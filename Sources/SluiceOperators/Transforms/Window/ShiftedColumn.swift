import SluiceCore

/// `lag` and `lead` over a typed column, written straight into typed storage.
///
/// Gives exactly the column that appending cell by cell to a ``ColumnBuilder`` would (the
/// same storage, nulls marked in a presence array only when there are any), without a
/// switch on the storage and a builder call per row.
enum ShiftedColumn {
    /// The shifted column, or `nil` when the general path must build it: `[Value]` storage,
    /// a `fill` of another type than the column's, or no value at all in the result (the
    /// builder then keeps its general layout).
    static func typed(_ column: Column, by offset: Int, fill: Value, bounds: [Int]) -> Column? {
        switch (column.storage, fill) {
        case (.ints(let a), .null): return fixed(a, column.presence, by: offset, fill: nil, placeholder: 0, bounds: bounds) { .ints($0) }
        case (.ints(let a), .int(let f)): return fixed(a, column.presence, by: offset, fill: f, placeholder: 0, bounds: bounds) { .ints($0) }
        case (.doubles(let a), .null): return fixed(a, column.presence, by: offset, fill: nil, placeholder: 0, bounds: bounds) { .doubles($0) }
        case (.doubles(let a), .double(let f)):
            return fixed(a, column.presence, by: offset, fill: f, placeholder: 0, bounds: bounds) { .doubles($0) }
        case (.bools(let a), .null): return fixed(a, column.presence, by: offset, fill: nil, placeholder: false, bounds: bounds) { .bools($0) }
        case (.bools(let a), .bool(let f)):
            return fixed(a, column.presence, by: offset, fill: f, placeholder: false, bounds: bounds) { .bools($0) }
        case (.text(let t), .null): return text(t, column.presence, by: offset, fill: nil, bounds: bounds)
        case (.text(let t), .string(let f)): return text(t, column.presence, by: offset, fill: Array(f.utf8), bounds: bounds)
        default: return nil
        }
    }

    /// Calls `body` with each output row and its source row in the partition (`nil` past the
    /// partition's edge).
    @inline(__always)
    private static func forEachSource(by offset: Int, bounds: [Int], _ body: (Int, Int?) -> Void) {
        for p in 0..<(bounds.count - 1) {
            let start = bounds[p]
            let end = bounds[p + 1]
            for i in start..<end {
                let j = i + offset
                body(i, j >= start && j < end ? j : nil)
            }
        }
    }

    private static func fixed<T>(
        _ a: [T], _ presence: [Column.Presence]?, by offset: Int, fill: T?, placeholder: T, bounds: [Int],
        _ storage: ([T]) -> Column.Storage
    ) -> Column? {
        let n = bounds.last ?? 0
        var nulls = [Column.Presence](repeating: .present, count: n)
        var anyNull = false
        var anyValue = false
        let values = a.withUnsafeBufferPointer { a in
            nulls.withUnsafeMutableBufferPointer { nulls in
                [T](unsafeUninitializedCapacity: n) { out, count in
                    forEachSource(by: offset, bounds: bounds) { i, j in
                        if let j, presence?[j] ?? .present == .present {
                            out.initializeElement(at: i, to: a[j])
                            anyValue = true
                        } else if j == nil, let fill {
                            out.initializeElement(at: i, to: fill)
                            anyValue = true
                        } else {
                            out.initializeElement(at: i, to: placeholder)
                            nulls[i] = .null
                            anyNull = true
                        }
                    }
                    count = n
                }
            }
        }
        guard anyValue else { return nil }
        return Column(storage: storage(values), presence: anyNull ? nulls : nil)
    }

    private static func text(_ t: TextColumn, _ presence: [Column.Presence]?, by offset: Int, fill: [UInt8]?, bounds: [Int]) -> Column? {
        let n = bounds.last ?? 0
        var nulls = [Column.Presence](repeating: .present, count: n)
        var anyNull = false
        var anyValue = false
        var out = TextColumn()
        out.reserve(values: n, bytes: t.bytes.count)
        let hasFill = fill != nil
        t.bytes.withUnsafeBytes { bytes in
            (fill ?? []).withUnsafeBytes { fill in
                forEachSource(by: offset, bounds: bounds) { i, j in
                    if let j, presence?[j] ?? .present == .present {
                        out.append(UnsafeRawBufferPointer(rebasing: bytes[t.range(j)]))
                        anyValue = true
                    } else if j == nil, hasFill {
                        out.append(fill)
                        anyValue = true
                    } else {
                        out.appendEmpty()
                        nulls[i] = .null
                        anyNull = true
                    }
                }
            }
        }
        guard anyValue else { return nil }
        return Column(storage: .text(out), presence: anyNull ? nulls : nil)
    }
}
