import SluiceCore

/// Turns sheet rows into columnar batches: names the fields (from the header row or
/// `column1`, `column2`, … counted from the range's first column), keeps the projected ones,
/// and appends each row's cells to typed column builders, null where a cell is empty.
///
/// The fields are the header row's cells up to its last non-empty one (an empty header cell
/// is named after its column, duplicates get `_2`, `_3` as in CSV). A data cell to the right
/// of every field adds a field `columnN` from then on: rows before it in the same batch get
/// null there, earlier batches do not have it.
struct XLSXRowAssembler {
    let range: XLSXRange
    let header: Bool
    let projection: Set<String>?
    let skipEmptyRows: Bool
    let batchSize: Int
    private let sharedStrings: XLSXSharedStrings

    /// Field names by column offset in the range (0 = the range's first column).
    private(set) var names: [String] = []
    /// Whether the fields are known (the header row was read, or there is no header).
    private(set) var fieldsKnown: Bool
    /// Builder index by column offset, -1 for a field left out by the projection.
    private var slots: [Int] = []
    private var fields: [String] = []
    private var builders: [ColumnBuilder] = []
    private var positions: [Int] = []
    private var usedNames: Set<String> = []

    init(range: XLSXRange, header: Bool, projection: Set<String>?, skipEmptyRows: Bool, batchSize: Int, sharedStrings: XLSXSharedStrings) {
        self.range = range
        self.header = header
        self.projection = projection
        self.skipEmptyRows = skipEmptyRows
        self.batchSize = max(1, batchSize)
        self.sharedStrings = sharedStrings
        fieldsKnown = !header
    }

    /// Rows held for the next batch.
    var pendingRows: Int { positions.count }

    /// Whether the column at `offset` in the range is decoded: before the header is read all
    /// are; after, those of projected fields and, to the right of the fields, those whose
    /// `columnN` name the projection keeps.
    func wants(offset: Int) -> Bool {
        guard fieldsKnown, let projection else { return true }
        if offset < slots.count { return slots[offset] >= 0 }
        return projection.contains("column\(offset + 1)")
    }

    /// Takes one row: the header, or a record.
    mutating func add(_ row: XLSXRow) {
        if !fieldsKnown {
            guard row.hasValue else { return }
            var headerNames: [String] = []
            for (column, value) in zip(row.columns, row.values) {
                let offset = column - range.firstColumn
                while headerNames.count < offset { headerNames.append("") }
                headerNames.append(text(of: value, in: row))
            }
            while let last = headerNames.last, last.isEmpty { headerNames.removeLast() }
            fieldsKnown = true
            for name in headerNames { addField(raw: name) }
            return
        }
        if skipEmptyRows, !row.hasValue { return }
        if let last = row.columns.last, last - range.firstColumn >= names.count {
            while names.count <= last - range.firstColumn { addField(raw: "") }
        }
        let count = row.columns.count
        var cell = 0
        for offset in 0..<slots.count {
            let slot = slots[offset]
            let column = offset + range.firstColumn
            while cell < count, row.columns[cell] < column { cell += 1 }
            guard slot >= 0 else { continue }
            guard cell < count, row.columns[cell] == column else {
                builders[slot].appendNull()
                continue
            }
            switch row.values[cell] {
            case .null: builders[slot].appendNull()
            case .bool(let b): builders[slot].appendBool(b)
            case .int(let i): builders[slot].appendInt(i)
            case .double(let d): builders[slot].appendDouble(d)
            case .timestamp(let t): builders[slot].append(.timestamp(t))
            case .text(let r): row.arena.withUnsafeBytes { builders[slot].appendText(UnsafeRawBufferPointer(rebasing: $0[r])) }
            case .shared(let i): sharedStrings.withString(i) { builders[slot].appendText($0) }
            }
        }
        positions.append(row.number)
    }

    /// Takes a row the sheet does not store (kept as a record of nulls when empty rows are kept).
    mutating func addEmptyRow(number: Int) {
        for slot in builders.indices { builders[slot].appendNull() }
        positions.append(number)
    }

    /// Whether a full batch is held.
    var isFull: Bool { positions.count >= batchSize }

    /// The rows held, as a batch (possibly empty), and a fresh start for the next.
    mutating func takeBatch() -> RecordBatch {
        let batch = RecordBatch(fields: fields, columns: builders.map { $0.build() }, positions: positions)
        builders = Array(repeating: ColumnBuilder(capacity: batchSize), count: fields.count)
        positions = []
        positions.reserveCapacity(batchSize)
        return batch
    }

    /// Adds the field for the next column offset, named `raw` (or after its column when empty,
    /// with a suffix when taken).
    private mutating func addField(raw: String) {
        let offset = names.count
        let base = raw.isEmpty ? "column\(offset + 1)" : raw
        var name = base
        var n = 2
        while usedNames.contains(name) {
            name = "\(base)_\(n)"
            n += 1
        }
        usedNames.insert(name)
        names.append(name)
        if projection?.contains(name) ?? true {
            slots.append(fields.count)
            fields.append(name)
            var builder = ColumnBuilder(capacity: batchSize)
            for _ in 0..<positions.count { builder.appendNull() }
            builders.append(builder)
        } else {
            slots.append(-1)
        }
    }

    /// A header cell's text.
    private func text(of value: XLSXCellValue, in row: XLSXRow) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .int(let i): return String(i)
        case .double(let d): return d.description
        case .timestamp(let t): return t.iso8601
        case .text(let r): return row.arena.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[r]), as: UTF8.self) }
        case .shared(let i): return sharedStrings.string(i)
        }
    }
}
