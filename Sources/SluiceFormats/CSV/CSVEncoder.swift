import SluiceCore

/// Writes CSV: a header row from the first batch's fields (unless `writeHeader` is off),
/// then one line per row, every line ending in `\n`.
///
/// Every row is written in the header's field order: a later batch's missing fields are
/// written empty and its extra fields are dropped, so each line has the header's shape.
/// Cells are quoted when they hold the delimiter, `"`, CR or LF, or start or end with a
/// space or tab. Null and absent cells are empty; an empty string is written `""` so it
/// reads back as an empty string rather than null (and a row of one null cell is written
/// `""`, since an empty line would read back as no row at all). Arrays and objects are
/// written as their JSON text, timestamps in ISO 8601, doubles in shortest round-trip form.
struct CSVEncoder: RecordStreamEncoder {
    private let options: EncodeOptions
    private var header: [String]?
    private let cellText: CSVCellText

    init(options: EncodeOptions) {
        self.options = options
        cellText = CSVCellText(delimiter: options.delimiter)
    }

    func begin(into out: inout [UInt8]) {}

    mutating func encode(_ batch: RecordBatch, into out: inout [UInt8]) {
        let fields: [String]
        if let header {
            fields = header
        } else {
            fields = batch.fields
            header = fields
            if options.writeHeader {
                for (i, name) in fields.enumerated() {
                    if i > 0 { out.append(options.delimiter) }
                    var name = name
                    name.withUTF8 { cellText.appendText(UnsafeRawBufferPointer($0), into: &out) }
                }
                out.append(0x0A)
            }
        }
        let columns: [Column?] = batch.fields == fields ? batch.columns : fields.map { batch.column(named: $0) }
        CSVRowWriter(cellText: cellText).write(columns, rows: batch.count, into: &out)
    }

    func end(into out: inout [UInt8]) {}
}
