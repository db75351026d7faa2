import SluiceCore
import Testing

@testable import SluiceFormats

/// The pointer-based row writers against the cell-by-cell references they replaced: JSON
/// rows from `JSONText` cell by cell, CSV rows from ``CSVCellText`` cell by cell,
/// on random batches of every column kind, with nulls, absent rows and tricky text.
@Suite("Encoders against cell-by-cell references")
struct EncoderDifferentialTests {
    /// Text that exercises escaping, quoting and the short and long copy paths.
    func randomText(_ rng: inout SplitMix, delimiter: String) -> String {
        switch rng.int(0...9) {
        case 0: return ""
        case 1: return String(repeating: "long text é ", count: rng.int(1...12))
        case 2: return [" lead", "trail\t", "\tboth ", " "][rng.int(0...3)]
        case 3: return "a\(delimiter)b"
        case 4: return "ctl\u{1}\u{1F}\u{7F}"
        default: return randomString(&rng)
        }
    }

    /// A column of `rows` random cells of kind `kind`, with presence of every sort.
    func randomColumn(_ rng: inout SplitMix, kind: Int, rows: Int, delimiter: String) -> Column {
        let storage: Column.Storage
        switch kind {
        case 0: storage = .ints((0..<rows).map { _ in Int(truncatingIfNeeded: rng.next()) >> rng.int(0...63) })
        case 1:
            storage = .doubles((0..<rows).map { _ in
                switch rng.int(0...4) {
                case 0: return Double(rng.int(-100_000...100_000)) / 100
                case 1: return Double(bitPattern: rng.next())
                case 2: return [.nan, .infinity, -.infinity, 0, -0.0][rng.int(0...4)]
                default: return Double(Int(truncatingIfNeeded: rng.next() >> 11)) / Double(1 << rng.int(0...40))
                }
            })
        case 2: storage = .bools((0..<rows).map { _ in rng.next() & 1 == 0 })
        case 3:
            var text = TextColumn()
            for _ in 0..<rows { text.append(randomText(&rng, delimiter: delimiter)) }
            storage = .text(text)
        case 4:
            // Text without escapes, quotes or delimiters (some invalid UTF-8), and offsets that do not
            // start at 0.
            var bytes: [UInt8] = Array("skipped".utf8)
            var offsets = [Int32(bytes.count)]
            for _ in 0..<rows {
                let clean = ["x", "abc", "name@example.org", "", "0123456789abcdefghij", " lead", "trail\t", "\t", "mid dle"]
                bytes += rng.int(0...20) == 0 ? [0xFF, 0x61, 0xC3] : Array(clean[rng.int(0...(clean.count - 1))].utf8)
                offsets.append(Int32(bytes.count))
            }
            storage = .text(TextColumn(bytes: bytes, offsets: offsets))
        case 5: storage = .text(TextColumn(bytes: [], offsets: Array(repeating: 0, count: rows + 1)))
        default: storage = .values((0..<rows).map { _ in randomValue(&rng, depth: 1) })
        }
        let presence: [Column.Presence]?
        switch rng.int(0...2) {
        case 0: presence = nil
        case 1: presence = (0..<rows).map { _ in rng.int(0...3) == 0 ? .null : .present }
        default: presence = (0..<rows).map { _ in [.present, .present, .null, .absent][rng.int(0...3)] }
        }
        return Column(storage: storage, presence: presence)
    }

    func randomBatch(_ rng: inout SplitMix, fields: [String], rows: Int, delimiter: String = ",") -> RecordBatch {
        let columns = fields.map { _ in randomColumn(&rng, kind: rng.int(0...6), rows: rows, delimiter: delimiter) }
        return RecordBatch(fields: fields, columns: columns, positions: Array(0..<rows))
    }

    func referenceJSON(_ batches: [RecordBatch], array: Bool) -> [UInt8] {
        var out: [UInt8] = array ? [UInt8(ascii: "[")] : []
        var rows = 0
        for batch in batches {
            for row in 0..<batch.count {
                if array { out += rows > 0 ? [UInt8(ascii: ","), 0x0A] : [0x0A] }
                out.append(UInt8(ascii: "{"))
                var first = true
                for (field, column) in zip(batch.fields, batch.columns) where column.presence(at: row) != .absent {
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    JSONText.appendString(field, to: &out)
                    out.append(UInt8(ascii: ":"))
                    if case .text(let t) = column.storage, column.isPresent(row) {
                        // Text as its bytes are, invalid UTF-8 included.
                        t.withBytes(at: row) { JSONText.appendString(bytes: $0, to: &out) }
                    } else {
                        JSONText.append(column.value(at: row), to: &out)
                    }
                }
                out.append(UInt8(ascii: "}"))
                if !array { out.append(0x0A) }
                rows += 1
            }
        }
        if array { out += rows > 0 ? Array("\n]\n".utf8) : Array("]\n".utf8) }
        return out
    }

    func referenceCSV(_ batches: [RecordBatch], delimiter: UInt8) -> [UInt8] {
        let cells = CSVCellText(delimiter: delimiter)
        var out: [UInt8] = []
        guard let header = batches.first?.fields else { return out }
        for (i, name) in header.enumerated() {
            if i > 0 { out.append(delimiter) }
            Array(name.utf8).withUnsafeBytes { cells.appendText($0, into: &out) }
        }
        out.append(0x0A)
        for batch in batches {
            let columns = header.map { batch.column(named: $0) }
            for row in 0..<batch.count {
                let lineStart = out.count
                for (c, column) in columns.enumerated() {
                    if c > 0 { out.append(delimiter) }
                    if let column { cells.appendCell(column, row: row, into: &out) }
                }
                if out.count == lineStart, columns.count == 1 { out += [0x22, 0x22] }
                out.append(0x0A)
            }
        }
        return out
    }

    /// Encodes `batches` into an output that already holds `prefix` bytes.
    func encoded(_ format: DataFormat, _ batches: [RecordBatch], delimiter: UInt8 = 44, prefix: [UInt8] = []) -> [UInt8] {
        var encoder = makeEncoder(format, options: EncodeOptions(delimiter: delimiter))
        var out = prefix
        encoder.begin(into: &out)
        for batch in batches { encoder.encode(batch, into: &out) }
        encoder.end(into: &out)
        return Array(out.dropFirst(prefix.count))
    }

    @Test("NDJSON and JSON: random batches, byte for byte", arguments: 0..<6)
    func json(seed: Int) {
        var rng = SplitMix(seed: UInt64(100 + seed))
        let fields = (0..<rng.int(1...9)).map { "f\($0)\(["", "\"q", "é", "\n"][rng.int(0...3)])" }
        let batches = (0..<4).map { i in randomBatch(&rng, fields: fields, rows: i == 2 ? 0 : rng.int(1...300)) }
        #expect(encoded(.ndjson, batches) == referenceJSON(batches, array: false))
        #expect(encoded(.ndjson, batches, prefix: [1, 2, 3]) == referenceJSON(batches, array: false))
        #expect(encoded(.json, batches) == referenceJSON(batches, array: true))
        var reserved: [UInt8] = []
        reserved.reserveCapacity(1 << 20)
        #expect(encoded(.json, batches, prefix: reserved) == referenceJSON(batches, array: true))
    }

    @Test("CSV: random batches, fields reordered and missing, byte for byte", arguments: [",", ";", "\t", "1", "a", ".", "-"])
    func csv(delimiter: String) {
        var rng = SplitMix(seed: UInt64(delimiter.utf8.first ?? 0))
        let d = delimiter.utf8.first ?? 44
        for width in [1, 2, 7] {
            let fields = (0..<width).map { "c\($0)\(["", " x", "\"", delimiter][rng.int(0...3)])" }
            var batches = [randomBatch(&rng, fields: fields, rows: rng.int(1...200), delimiter: delimiter)]
            batches.append(randomBatch(&rng, fields: fields.reversed(), rows: rng.int(1...200), delimiter: delimiter))
            batches.append(randomBatch(&rng, fields: Array(fields.dropFirst()) + ["extra"], rows: rng.int(1...200), delimiter: delimiter))
            batches.append(randomBatch(&rng, fields: fields, rows: 0, delimiter: delimiter))
            #expect(encoded(.csv, batches, delimiter: d) == referenceCSV(batches, delimiter: d))
            #expect(encoded(.csv, batches, delimiter: d, prefix: [9, 9]) == referenceCSV(batches, delimiter: d))
        }
    }

    @Test("a batch without fields: one empty object or line per row")
    func noFields() {
        let batches = [RecordBatch(fields: [], columns: [], positions: [1, 2])]
        #expect(encoded(.ndjson, batches) == Array("{}\n{}\n".utf8))
        #expect(encoded(.json, batches) == Array("[\n{},\n{}\n]\n".utf8))
        #expect(encoded(.csv, batches) == Array("\n\n\n".utf8))
    }

    @Test("a batch wider than the views nest: the rest are encoded up front, same bytes")
    func wideBatch() {
        var rng = SplitMix(seed: 77)
        let fields = (0..<(ColumnViews.nestingLimit + 40)).map { "w\($0)" }
        let batches = [randomBatch(&rng, fields: fields, rows: 50)]
        #expect(encoded(.ndjson, batches) == referenceJSON(batches, array: false))
        #expect(encoded(.csv, batches) == referenceCSV(batches, delimiter: 44))
    }
}
