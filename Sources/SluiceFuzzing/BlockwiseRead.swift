import SluiceCore
import SluiceFormats

/// Reads a CSV or NDJSON input the way a file source reads a large file in parallel: cut into
/// blocks of whole records by ``RecordBlockSplitter``, each decoded by its own decoder with
/// the header's field names and the line it starts on, results taken in order.
///
/// This follows the file source's block reader step by step (byte order mark and header off
/// the front, then blocks of at least `blockBytes` cut at the last record boundary) over an
/// in-memory input and with any block size, so that "blocks decode exactly as one sequential
/// read does" can be checked on small inputs.
struct BlockwiseRead {
    let format: DataFormat
    let options: DecodeOptions
    let blockBytes: Int

    /// Records, positions and rejections of the whole input, block by block.
    func decode(_ input: [UInt8]) -> (records: [ValueObject], positions: [Int], rejections: [Rejection]) {
        guard let splitter = RecordBlockSplitter(format: format, delimiter: options.delimiter) else { return ([], [], []) }
        var options = self.options
        var offset = 0
        var pending: [UInt8] = []
        var endOfFile = false
        // One read of the file: up to `blockBytes` more bytes; a short read is the end.
        func readMore() {
            let take = min(blockBytes, input.count - offset)
            pending += input[offset..<(offset + take)]
            offset += take
            if take < blockBytes { endOfFile = true }
        }
        readMore()
        if pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3) }
        // Rows refused while reading the header, reported first.
        var headerRejections: [Rejection] = []
        if format == .csv, options.hasHeader {
            // The header is the first record that is not blank: records come off the front
            // until decoding them names the fields.
            var end = 0
            var names: [String] = []
            while names.isEmpty {
                let from = end
                var next = pending.withUnsafeBytes { splitter.firstBoundary(in: UnsafeRawBufferPointer(rebasing: $0[from...])) }
                while next == nil, !endOfFile {
                    readMore()
                    next = pending.withUnsafeBytes { splitter.firstBoundary(in: UnsafeRawBufferPointer(rebasing: $0[from...])) }
                }
                end = next.map { from + $0 } ?? pending.count
                var headerOptions = options
                headerOptions.columnNames = nil
                headerOptions.projection = nil
                let header = DecodedStream.decode(.csv, Array(pending[0..<end]), options: headerOptions, pieces: [0..<end])
                names = header.fields.last ?? []
                headerRejections = header.rejections
                if next == nil { break }
            }
            options.columnNames = names
            options.firstLine = 1 + pending.withUnsafeBytes { RecordBlockSplitter.lineFeeds(in: UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
            pending.removeFirst(end)
        }
        var records: [ValueObject] = []
        var positions: [Int] = []
        var rejections = headerRejections
        while true {
            var cut: Int?
            while true {
                if endOfFile {
                    cut = pending.count
                    break
                }
                if pending.count >= blockBytes, let boundary = pending.withUnsafeBytes({ splitter.lastBoundary(in: $0) }) {
                    cut = boundary
                    break
                }
                readMore()
            }
            let end = cut ?? pending.count
            let block = Array(pending[0..<end])
            pending.removeFirst(end)
            var blockOptions = options
            blockOptions.hasHeader = false
            let decoded = DecodedStream.decode(format, block, options: blockOptions, pieces: [0..<block.count])
            records += decoded.records
            positions += decoded.positions
            rejections += decoded.rejections
            options.firstLine += block.withUnsafeBytes { RecordBlockSplitter.lineFeeds(in: $0) }
            if endOfFile, pending.isEmpty { break }
        }
        return (records, positions, rejections)
    }
}
