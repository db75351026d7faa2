import SluiceCore

/// Text cells seen through pointers: cell `row` is the bytes from `offsets[row]` to
/// `offsets[row + 1]` of `bytes`.
struct TextView {
    let bytes: UnsafePointer<UInt8>
    let offsets: UnsafePointer<Int32>

    /// The start and length of cell `row`.
    @inline(__always)
    func cell(_ row: Int) -> (start: UnsafePointer<UInt8>, count: Int) {
        let start = Int(offsets[row])
        return (bytes + start, Int(offsets[row + 1]) - start)
    }

    /// The first byte and the total length of the first `rows` cells (they are contiguous).
    func span(rows: Int) -> (start: UnsafePointer<UInt8>, count: Int) {
        let start = Int(offsets[0])
        return (bytes + start, Int(offsets[rows]) - start)
    }
}

/// One column of a batch seen through pointers, so the encoders' row loops neither switch
/// over ``Column/Storage`` nor retain arrays per cell. Valid only inside
/// ``ColumnViews/with(_:rows:preEncode:encodeCell:_:)``.
struct ColumnView {
    /// The cells.
    enum Cells {
        case ints(UnsafePointer<Int>)
        case doubles(UnsafePointer<Double>)
        case bools(UnsafePointer<Bool>)
        case text(TextView)
        /// Cells already in the output format (see ``ColumnViews/with(_:rows:preEncode:encodeCell:_:)``).
        case encoded(TextView)
        /// A field this batch does not have (only where the caller passed `nil`).
        case missing
    }

    let cells: Cells
    /// Per-row presence; `nil` when every row is present.
    let presence: UnsafePointer<Column.Presence>?
}

/// Builds ``ColumnView``s for the columns of a batch.
enum ColumnViews {
    /// Columns beyond this many get their cells encoded up front instead of a view of their
    /// storage, since every view nests a few closure scopes on the stack.
    static let nestingLimit = 96

    /// Calls `body` with one view per column, valid for the call.
    ///
    /// `[Value]` columns, columns for which `preEncode` is `true`, and columns beyond
    /// `nestingLimit` are encoded up front, column by column, with `encodeCell` (called for
    /// present rows only) and seen as ``ColumnView/Cells/encoded(_:)``.
    ///
    /// Every column must have at least `rows` rows and text offsets within its bytes; the
    /// views are checked once here so the row loops can read without bounds checks.
    static func with<R>(
        _ columns: [Column?], rows: Int, preEncode: (Column) -> Bool,
        encodeCell: (Column, Int, inout [UInt8]) -> Void, _ body: ([ColumnView]) -> R
    ) -> R {
        // Views read plain storage: dictionary-encoded text is written out first.
        let columns = columns.map { $0?.flatteningDictionary() }
        var scratch: [UInt8] = []
        var scratchOffsets: [Int32] = []
        var encodedAt = [Int](repeating: -1, count: columns.count)
        var nested = 0
        for (i, column) in columns.enumerated() {
            guard let column else { continue }
            check(column, rows: rows)
            var encode = preEncode(column)
            if case .values = column.storage { encode = true }
            if !encode {
                nested += 1
                encode = nested > nestingLimit
            }
            guard encode else { continue }
            encodedAt[i] = scratchOffsets.count
            scratchOffsets.append(Int32(truncatingIfNeeded: scratch.count))
            for row in 0..<rows {
                if column.isPresent(row) { encodeCell(column, row, &scratch) }
                precondition(scratch.count <= Int(Int32.max), "a batch's encoded cells exceed 2 GiB")
                scratchOffsets.append(Int32(truncatingIfNeeded: scratch.count))
            }
        }
        // One byte more so there is always a base address, also for empty text columns.
        scratch.append(0)
        return scratch.withUnsafeBufferPointer { scratch in
            scratchOffsets.withUnsafeBufferPointer { scratchOffsets in
                guard let spare = scratch.baseAddress else { preconditionFailure("scratch is never empty") }
                var views: [ColumnView] = []
                views.reserveCapacity(columns.count)

                /// Adds the view of column `i`, then of the rest, inside the scopes that keep
                /// their storage pinned.
                func nest(_ i: Int, _ views: inout [ColumnView]) -> R {
                    guard i < columns.count else { return body(views) }
                    guard let column = columns[i] else {
                        views.append(ColumnView(cells: .missing, presence: nil))
                        return nest(i + 1, &views)
                    }
                    return withPresence(column) { presence in
                        if encodedAt[i] >= 0, let offsets = scratchOffsets.baseAddress {
                            views.append(ColumnView(cells: .encoded(TextView(bytes: spare, offsets: offsets + encodedAt[i])), presence: presence))
                            return nest(i + 1, &views)
                        }
                        switch column.storage {
                        case .ints(let a):
                            return a.withUnsafeBufferPointer { a in
                                views.append(ColumnView(cells: a.baseAddress.map { .ints($0) } ?? .missing, presence: presence))
                                return nest(i + 1, &views)
                            }
                        case .doubles(let a):
                            return a.withUnsafeBufferPointer { a in
                                views.append(ColumnView(cells: a.baseAddress.map { .doubles($0) } ?? .missing, presence: presence))
                                return nest(i + 1, &views)
                            }
                        case .bools(let a):
                            return a.withUnsafeBufferPointer { a in
                                views.append(ColumnView(cells: a.baseAddress.map { .bools($0) } ?? .missing, presence: presence))
                                return nest(i + 1, &views)
                            }
                        case .text(let t):
                            return t.bytes.withUnsafeBufferPointer { bytes in
                                t.offsets.withUnsafeBufferPointer { offsets in
                                    let cells: ColumnView.Cells = offsets.baseAddress.map {
                                        .text(TextView(bytes: bytes.baseAddress ?? spare, offsets: $0))
                                    } ?? .missing
                                    views.append(ColumnView(cells: cells, presence: presence))
                                    return nest(i + 1, &views)
                                }
                            }
                        case .values, .dictionary:
                            preconditionFailure("value columns are always encoded up front, dictionaries flattened")
                        }
                    }
                }
                return nest(0, &views)
            }
        }
    }

    /// Calls `body` with the presence of `column` pinned (`nil` when every row is present).
    private static func withPresence<R>(_ column: Column, _ body: (UnsafePointer<Column.Presence>?) -> R) -> R {
        guard let presence = column.presence else { return body(nil) }
        return presence.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// Traps, as indexing would, on a column too short for `rows` or text offsets outside its
    /// bytes, since the views are read without bounds checks.
    private static func check(_ column: Column, rows: Int) {
        precondition(column.count >= rows, "column shorter than its batch")
        if let presence = column.presence { precondition(presence.count >= rows, "presence shorter than its batch") }
        guard case .text(let t) = column.storage else { return }
        t.offsets.withUnsafeBufferPointer { offsets in
            guard rows > 0 else { return }
            var previous = offsets[0]
            precondition(previous >= 0, "text offsets out of range")
            for i in 1...rows {
                precondition(offsets[i] >= previous, "text offsets out of order")
                previous = offsets[i]
            }
            precondition(Int(previous) <= t.bytes.count, "text offsets out of range")
        }
    }
}
