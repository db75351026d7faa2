import SluiceCore

/// Joins held batches into one, for operators that must see all their input at once
/// (window, dedupe keeping the last row).
///
/// Unlike ``RecordBatch/concatenate(_:)``, which appends cell by cell, a field whose parts all
/// share one typed layout is joined with whole-array copies, so a million-row join of int
/// and text columns costs a few memcpys. Parts of different layouts fall back to
/// ``ColumnBuilder``.
enum BatchConcatenation {
    /// The rows of all `batches` in order; fields are unioned in first-seen order, and a batch
    /// without a field contributes absent rows.
    static func concatenate(_ batches: [RecordBatch]) -> RecordBatch {
        let parts = batches.filter { !$0.isEmpty }
        if parts.count == 1 { return parts[0] }
        let fields = self.fields(of: parts)
        return RecordBatch(fields: fields, columns: fields.map { column($0, of: parts) }, positions: positions(of: parts))
    }

    /// The union of the batches' fields, in first-seen order.
    static func fields(of batches: [RecordBatch]) -> [String] {
        var fields: [String] = []
        var seen = Set<String>()
        for batch in batches {
            for field in batch.fields where seen.insert(field).inserted { fields.append(field) }
        }
        return fields
    }

    /// The batches' positions back to back.
    static func positions(of batches: [RecordBatch]) -> [Int] {
        var positions: [Int] = []
        positions.reserveCapacity(batches.reduce(0) { $0 + $1.count })
        for batch in batches { positions.append(contentsOf: batch.positions) }
        return positions
    }

    /// One field of all `batches`, joined (absent where a batch lacks it).
    static func column(_ field: String, of batches: [RecordBatch]) -> Column {
        concatenate(batches.map { batch in (batch.column(named: field), batch.count) })
    }

    /// One field's parts (`nil`: the batch lacks the field) joined into one column.
    static func concatenate(_ parts: [(column: Column?, count: Int)]) -> Column {
        if parts.count == 1, let only = parts[0].column { return only }
        let total = parts.reduce(0) { $0 + $1.count }
        let presence = joinedPresence(parts, total: total)
        let present = parts.compactMap(\.column)
        guard let first = present.first else { return Column.absent(count: total) }
        switch first.storage {
        case .ints:
            let arrays = present.compactMap { column -> [Int]? in
                if case .ints(let a) = column.storage { return a } else { return nil }
            }
            if arrays.count == present.count { return Column(storage: .ints(join(parts, arrays, placeholder: 0)), presence: presence) }
        case .doubles:
            let arrays = present.compactMap { column -> [Double]? in
                if case .doubles(let a) = column.storage { return a } else { return nil }
            }
            if arrays.count == present.count { return Column(storage: .doubles(join(parts, arrays, placeholder: 0)), presence: presence) }
        case .bools:
            let arrays = present.compactMap { column -> [Bool]? in
                if case .bools(let a) = column.storage { return a } else { return nil }
            }
            if arrays.count == present.count { return Column(storage: .bools(join(parts, arrays, placeholder: false)), presence: presence) }
        case .text:
            let texts = present.compactMap { column -> TextColumn? in
                if case .text(let t) = column.storage { return t } else { return nil }
            }
            let bytes = texts.reduce(0) { $0 + $1.bytes.count }
            // Offsets are 32-bit; a larger join keeps its strings as values instead.
            if texts.count == present.count, bytes < Int(Int32.max) {
                return Column(storage: .text(joinText(parts, texts, bytes: bytes)), presence: presence)
            }
        case .values, .dictionary:
            break
        }
        var builder = ColumnBuilder(capacity: total)
        for (column, count) in parts {
            if let column {
                for row in 0..<count { builder.append(from: column, row: row) }
            } else {
                for _ in 0..<count { builder.appendAbsent() }
            }
        }
        return builder.build()
    }

    /// The joined presence, or `nil` when every row of every part is present.
    private static func joinedPresence(_ parts: [(column: Column?, count: Int)], total: Int) -> [Column.Presence]? {
        guard parts.contains(where: { $0.column == nil || $0.column?.presence != nil }) else { return nil }
        var presence: [Column.Presence] = []
        presence.reserveCapacity(total)
        for (column, count) in parts {
            if let column {
                if let p = column.presence {
                    presence.append(contentsOf: p)
                } else {
                    presence.append(contentsOf: repeatElement(.present, count: count))
                }
            } else {
                presence.append(contentsOf: repeatElement(.absent, count: count))
            }
        }
        return presence
    }

    /// The typed arrays back to back, with placeholders for parts lacking the field.
    private static func join<T>(_ parts: [(column: Column?, count: Int)], _ arrays: [[T]], placeholder: T) -> [T] {
        var out: [T] = []
        out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        var next = 0
        for (column, count) in parts {
            if column != nil {
                out.append(contentsOf: arrays[next])
                next += 1
            } else {
                out.append(contentsOf: repeatElement(placeholder, count: count))
            }
        }
        return out
    }

    private static func joinText(_ parts: [(column: Column?, count: Int)], _ texts: [TextColumn], bytes: Int) -> TextColumn {
        var out = TextColumn()
        out.reserve(values: parts.reduce(0) { $0 + $1.count }, bytes: bytes)
        var next = 0
        for (column, count) in parts {
            guard column != nil else {
                out.offsets.append(contentsOf: repeatElement(Int32(truncatingIfNeeded: out.bytes.count), count: count))
                continue
            }
            let text = texts[next]
            next += 1
            let base = Int32(truncatingIfNeeded: out.bytes.count) - (text.offsets.first ?? 0)
            out.bytes.append(contentsOf: text.bytes)
            out.offsets.append(contentsOf: text.offsets.dropFirst().lazy.map { $0 + base })
        }
        return out
    }
}
