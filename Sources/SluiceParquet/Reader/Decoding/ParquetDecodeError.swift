/// A failure inside one page's data: what was wrong, without where. The column chunk reader
/// turns it into a `FormatError` naming the file, row group, column and page.
struct ParquetDecodeError: Error, Sendable {
    var message: String

    init(_ message: String) { self.message = message }
}
