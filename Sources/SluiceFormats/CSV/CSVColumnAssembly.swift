import SluiceCore

/// Where the text of one kept cell of a pending row lies: in the buffer being parsed, or in
/// the parser's scratch bytes (unescaped or repaired text).
struct CSVPendingCell {
    private static let quotedBit = 1 << 62
    private static let scratchBit = 1 << 61
    private static let flagBits = quotedBit | scratchBit

    var start: Int
    private var endAndFlags: Int

    /// A cell spanning `start..<end`; `quoted` cells are never null and are text unless a
    /// declared type says otherwise; `inScratch` cells are read from the scratch bytes.
    @inline(__always)
    init(start: Int, end: Int, quoted: Bool, inScratch: Bool = false) {
        self.start = start
        endAndFlags = end | (quoted ? Self.quotedBit : 0) | (inScratch ? Self.scratchBit : 0)
    }

    @inline(__always) var end: Int { endAndFlags & ~Self.flagBits }
    @inline(__always) var quoted: Bool { endAndFlags & Self.quotedBit != 0 }
    @inline(__always) var inScratch: Bool { endAndFlags & Self.scratchBit != 0 }
    /// An empty unquoted cell: a null.
    @inline(__always) var isNull: Bool { endAndFlags & ~Self.scratchBit == start }
}

/// Builds the columns of pending CSV rows, one column at a time from the cells' positions.
///
/// Each column is typed exactly as ``CSVCellTyping/append(_:quoted:to:)`` feeding a
/// ``ColumnBuilder`` row by row would type it. The usual column (every value of one type,
/// nulls allowed) is written straight into an exact-size array, with no per-cell calls or
/// uniqueness checks; any other column is built through a ``ColumnBuilder`` cell by cell.
enum CSVColumnAssembly {
    /// The bytes the cells refer to.
    struct Sources {
        let buffer: UnsafeRawPointer?
        let bufferCount: Int
        let scratch: UnsafeRawPointer?
        let scratchCount: Int

        @inline(__always)
        func bytes(_ cell: CSVPendingCell) -> UnsafeRawBufferPointer {
            let origin = cell.inScratch ? scratch : buffer
            return UnsafeRawBufferPointer(start: origin.map { $0 + cell.start }, count: cell.end - cell.start)
        }
    }

    /// What a cell holds under inferred typing.
    private enum Inferred {
        case null, int(Int), double(Double), bool(Bool), text
    }

    /// The column of `rows` cells typed by `typing`.
    static func column(_ cells: UnsafePointer<CSVPendingCell>, rows: Int, typing: CSVCellTyping, sources: Sources) -> Column {
        switch typing {
        case .inferred:
            if let column = inferredColumn(cells, rows: rows, sources: sources) { return column }
        case .text:
            if let column = textColumn(cells, rows: rows, sources: sources, inferred: false) { return column }
        case .number, .boolean, .json:
            break
        }
        var builder = ColumnBuilder(capacity: rows)
        for r in 0..<rows {
            let cell = cells[r]
            typing.append(sources.bytes(cell), quoted: cell.quoted, to: &builder)
        }
        return builder.build()
    }

    @inline(__always)
    private static func infer(_ cell: CSVPendingCell, _ sources: Sources) -> Inferred {
        if cell.isNull { return .null }
        if cell.quoted { return .text }
        let bytes = sources.bytes(cell)
        let first = bytes[0]
        if first &- 48 < 10 || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") || first == UInt8(ascii: "+") {
            switch CSVNumber.parse(bytes) {
            case .int(let i)?: return .int(i)
            case .double(let d)?: return .double(d)
            case nil: return .text
            }
        }
        if first | 0x20 == UInt8(ascii: "t"), bytes.count == 4, bytes[1] | 0x20 == 0x72, bytes[2] | 0x20 == 0x75, bytes[3] | 0x20 == 0x65 {
            return .bool(true)
        }
        if first | 0x20 == UInt8(ascii: "f"), bytes.count == 5, bytes[1] | 0x20 == 0x61, bytes[2] | 0x20 == 0x6C, bytes[3] | 0x20 == 0x73,
            bytes[4] | 0x20 == 0x65
        {
            return .bool(false)
        }
        return .text
    }

    /// The column when all its values have the type of the first one (nulls aside); `nil`
    /// when they do not (the caller then builds it cell by cell).
    private static func inferredColumn(_ cells: UnsafePointer<CSVPendingCell>, rows: Int, sources: Sources) -> Column? {
        var first = 0
        while first < rows, cells[first].isNull { first += 1 }
        guard first < rows else {
            return Column(storage: .values(Array(repeating: .null, count: rows)), presence: Array(repeating: .null, count: rows))
        }
        switch infer(cells[first], sources) {
        case .null: return nil
        case .int:
            return typedColumn(cells, rows: rows, sources: sources, placeholder: 0) { if case .int(let i) = $0 { i } else { nil } }
                .map { Column(storage: .ints($0.values), presence: $0.presence) }
        case .double:
            return typedColumn(cells, rows: rows, sources: sources, placeholder: 0.0) { if case .double(let d) = $0 { d } else { nil } }
                .map { Column(storage: .doubles($0.values), presence: $0.presence) }
        case .bool:
            return typedColumn(cells, rows: rows, sources: sources, placeholder: false) { if case .bool(let b) = $0 { b } else { nil } }
                .map { Column(storage: .bools($0.values), presence: $0.presence) }
        case .text:
            return textColumn(cells, rows: rows, sources: sources, inferred: true)
        }
    }

    /// The values of a column whose every non-null cell `value` accepts, written straight into
    /// an exact-size array (`placeholder` at null rows), with the presence list once a null
    /// occurs; `nil` at the first cell it refuses.
    @inline(__always)
    private static func typedColumn<T: BitwiseCopyable>(
        _ cells: UnsafePointer<CSVPendingCell>, rows: Int, sources: Sources, placeholder: T, _ value: (Inferred) -> T?
    ) -> (values: [T], presence: [Column.Presence]?)? {
        var presence: [Column.Presence]?
        var failed = false
        let values = [T](unsafeUninitializedCapacity: rows) { out, count in
            count = 0
            for r in 0..<rows {
                let inferred = infer(cells[r], sources)
                if case .null = inferred {
                    out[r] = placeholder
                    markNull(&presence, row: r)
                } else if let v = value(inferred) {
                    out[r] = v
                    presence?.append(.present)
                } else {
                    failed = true
                    return
                }
            }
            count = rows
        }
        return failed ? nil : (values, presence)
    }

    /// Records a null at `row`, creating the presence list (all present before) at the first.
    @inline(__always)
    private static func markNull(_ presence: inout [Column.Presence]?, row: Int) {
        if presence == nil {
            var list = [Column.Presence](repeating: .present, count: row)
            list.reserveCapacity(row + 64)
            presence = list
        }
        presence?.append(.null)
    }

    /// A text column (empty unquoted cells null). With `inferred`, `nil` when a cell would be
    /// inferred as a number or boolean.
    private static func textColumn(_ cells: UnsafePointer<CSVPendingCell>, rows: Int, sources: Sources, inferred: Bool) -> Column? {
        var total = 0
        var anyNull = false
        for r in 0..<rows {
            let cell = cells[r]
            total += cell.end - cell.start
            if cell.isNull { anyNull = true }
        }
        guard total <= Int(Int32.max) else { return nil }
        var failed = false
        var presence: [Column.Presence]?
        if anyNull { presence = [Column.Presence](repeating: .present, count: rows) }
        var offsets = [Int32](repeating: 0, count: rows + 1)
        let bytes = offsets.withUnsafeMutableBufferPointer { offsets in
            // Eight spare bytes, so cells are copied a word at a time.
            [UInt8](unsafeUninitializedCapacity: total + 8) { out, count in
                count = 0
                let target = out.baseAddress
                var written = 0
                for r in 0..<rows {
                    let cell = cells[r]
                    if cell.isNull {
                        presence?[r] = .null
                    } else {
                        if inferred, !cell.quoted {
                            guard case .text = infer(cell, sources) else {
                                failed = true
                                return
                            }
                        }
                        let length = cell.end - cell.start
                        if length > 0, let target, let source = cell.inScratch ? sources.scratch : sources.buffer {
                            let limit = cell.inScratch ? sources.scratchCount : sources.bufferCount
                            let from = source + cell.start
                            let to = UnsafeMutableRawPointer(target + written)
                            if length <= 48, cell.start + 48 <= limit {
                                var k = 0
                                repeat {
                                    to.storeBytes(of: from.loadUnaligned(fromByteOffset: k, as: UInt64.self), toByteOffset: k, as: UInt64.self)
                                    k += 8
                                } while k < length
                            } else {
                                to.copyMemory(from: from, byteCount: length)
                            }
                            written += length
                        }
                    }
                    offsets[r + 1] = Int32(truncatingIfNeeded: written)
                }
                count = written
            }
        }
        guard !failed else { return nil }
        return Column(storage: .text(TextColumn(bytes: bytes, offsets: offsets)), presence: presence)
    }

    /// The column of consecutive row ranges built separately, as one ``ColumnBuilder`` fed
    /// their rows in order would build it: arrays of one typed kind are joined, anything
    /// else is rebuilt row by row.
    static func concatenate(_ parts: [Column]) -> Column {
        guard parts.count > 1 else { return parts.first ?? ColumnBuilder().build() }
        let total = parts.reduce(0) { $0 + $1.count }
        var presence: [Column.Presence]?
        if parts.contains(where: { $0.presence != nil }) {
            var list: [Column.Presence] = []
            list.reserveCapacity(total)
            for part in parts {
                if let p = part.presence { list.append(contentsOf: p) } else { list.append(contentsOf: repeatElement(.present, count: part.count)) }
            }
            presence = list
        }
        func joined<T>(_ extract: (Column) -> [T]?) -> [T]? {
            var out: [T] = []
            out.reserveCapacity(total)
            for part in parts {
                guard let a = extract(part) else { return nil }
                out.append(contentsOf: a)
            }
            return out
        }
        switch parts[0].storage {
        case .ints:
            if let a = joined({ if case .ints(let a) = $0.storage { a } else { nil } }) { return Column(storage: .ints(a), presence: presence) }
        case .doubles:
            if let a = joined({ if case .doubles(let a) = $0.storage { a } else { nil } }) { return Column(storage: .doubles(a), presence: presence) }
        case .bools:
            if let a = joined({ if case .bools(let a) = $0.storage { a } else { nil } }) { return Column(storage: .bools(a), presence: presence) }
        case .values:
            if let a = joined({ if case .values(let a) = $0.storage { a } else { nil } }) { return Column(storage: .values(a), presence: presence) }
        case .text:
            var text = TextColumn()
            var allText = true
            for part in parts {
                guard case .text(let t) = part.storage else {
                    allText = false
                    break
                }
                let shift = Int32(truncatingIfNeeded: text.bytes.count)
                text.bytes.append(contentsOf: t.bytes)
                text.offsets.append(contentsOf: t.offsets.dropFirst().lazy.map { $0 &+ shift })
            }
            if allText { return Column(storage: .text(text), presence: presence) }
        case .dictionary:
            break
        }
        var builder = ColumnBuilder(capacity: total)
        for part in parts {
            for row in 0..<part.count { builder.append(from: part, row: row) }
        }
        return builder.build()
    }
}
