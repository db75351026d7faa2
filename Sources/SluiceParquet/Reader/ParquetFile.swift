import SluiceFormats

/// A Parquet file whose footer has been read once: readers of any of its row groups are made
/// from it without reading the footer again, several at once on different threads (each
/// reads its own column chunks through the shared input).
public struct ParquetFile: Sendable {
    /// Where the bytes come from.
    public let input: any RandomAccessInput
    let footer: ParquetFooter

    /// Reads the footer of `input`; throws `FormatError` when it is not a Parquet file.
    public init(input: any RandomAccessInput) throws {
        self.input = input
        footer = try ParquetFooter.read(input)
    }

    /// The same file read through `input` (the same bytes, fetched differently: the ranges
    /// of an object that one block needs), without reading the footer again.
    public func reading(from input: any RandomAccessInput) -> ParquetFile {
        ParquetFile(input: input, footer: footer)
    }

    private init(input: any RandomAccessInput, footer: ParquetFooter) {
        self.input = input
        self.footer = footer
    }

    /// The number of row groups.
    public var rowGroupCount: Int { footer.metadata.rowGroups.count }

    /// The compressed bytes of each row group's column chunks (all columns), as the footer
    /// declares them (clamped to be at least 0), for cutting the file into parts of similar size.
    public var rowGroupBytes: [Int] {
        footer.metadata.rowGroups.map { group in
            group.columns.reduce(0) { total, chunk in
                total.addingReportingOverflow(Int(clamping: max(0, chunk.metaData?.totalCompressedSize ?? 0))).partialValue
            }
        }
    }

    /// Each row group's share of the file's bytes: its column chunks' bytes, within what the
    /// groups before it left of the file (so damaged sizes never add up to more than the file).
    var rowGroupShares: [Int] {
        var attributed = 0
        return rowGroupBytes.map { bytes in
            let share = min(bytes, input.size - attributed)
            attributed += share
            return share
        }
    }

    /// The bytes a reader of the row groups `rowGroups` accounts for: their shares, and the
    /// rest of the file (magic, footer, anything the shares leave) when it reads the last row
    /// group, so the readers of a partition of the row groups account for the whole file.
    public func byteCount(of rowGroups: Range<Int>) -> Int {
        let shares = rowGroupShares
        let range = rowGroups.clamped(to: 0..<shares.count)
        let own = shares[range].reduce(0, +)
        return range.upperBound == shares.count ? own + input.size - shares.reduce(0, +) : own
    }

    /// A reader of the row groups `rowGroups` (all when `nil`); see
    /// ``ParquetFileReader/init(input:options:rowGroups:)``.
    public func reader(options: DecodeOptions, rowGroups: Range<Int>? = nil) throws -> ParquetFileReader {
        try ParquetFileReader(file: self, options: options, rowGroups: rowGroups)
    }
}
