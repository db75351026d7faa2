import SluiceCore
import SluiceFormats
import SluiceParquet

/// Reads one Parquet file as blocks of consecutive row groups, so several workers decode
/// row groups at once (the file's footer is read once, here; each block's reader shares it).
///
/// A block gathers row groups until their column chunks reach `blockBytes` (a row group is
/// never split). Row positions and bytes are those of the whole file: the blocks' bytes add
/// up to its size, the block of the last row group also carrying the footer. A file without
/// row groups is one empty block.
final class ParquetBlockReader: BlockReader {
    let expectedBytes: Int?
    let declaredSchema: [FieldSchema]?
    private let file: ParquetFile
    private let options: DecodeOptions
    private let ranges: [Range<Int>]
    private var nextRange = 0
    /// For an object: fetches the column chunks of each block.
    private let fetch: ObjectRangeFetch?

    /// Reads the footer and plans the blocks; throws `FormatError` for a file that is not
    /// readable Parquet (as the row-group reader would on open).
    init(input: any RandomAccessInput, options: DecodeOptions, blockBytes: Int, fetch: ObjectRangeFetch? = nil) throws {
        file = try ParquetFile(input: input)
        self.fetch = fetch
        self.options = options
        // Opening a reader of the whole file checks the footer's row groups and gives the schema.
        declaredSchema = try file.reader(options: options).declaredSchema
        expectedBytes = input.size
        var ranges: [Range<Int>] = []
        var start = 0
        var gathered = 0
        for (index, bytes) in file.rowGroupBytes.enumerated() {
            gathered = gathered.addingReportingOverflow(bytes).partialValue
            if gathered >= blockBytes {
                ranges.append(start..<(index + 1))
                start = index + 1
                gathered = 0
            }
        }
        if start < file.rowGroupCount || ranges.isEmpty { ranges.append(start..<file.rowGroupCount) }
        self.ranges = ranges
    }

    func nextBlock() async throws -> SourceBlock? {
        guard nextRange < ranges.count else { return nil }
        let range = ranges[nextRange]
        nextRange += 1
        let byteCount = file.byteCount(of: range)
        var file = self.file
        let options = self.options
        if let fetch, let footer = file.input as? RangedInput {
            let chunks = try file.reader(options: options, rowGroups: range).columnChunkRanges
            file = file.reading(from: footer.adding(try await fetch.pieces(chunks)))
        }
        let blockFile = file
        return SourceBlock(byteCount: byteCount) {
            let reader = try blockFile.reader(options: options, rowGroups: range)
            var chunks: [SourceChunk] = []
            while let chunk = try reader.next() { chunks.append(chunk) }
            return chunks
        }
    }
}
