import SluiceCore
import SluiceFormats

/// Cuts a CSV or NDJSON file into blocks of whole records for parallel decoding.
///
/// The reader itself only reads and finds the last record boundary of each block (with
/// `memchr`, see ``RecordBlockSplitter``); decoding happens in the block's `decode`, on
/// whichever worker runs it. Line numbers are carried across blocks, so rows and rejections
/// report the same positions as a sequential read. A compressed file is decompressed as it
/// is read and cut the same way; its blocks count the compressed bytes consumed.
final class FileBlockReader: BlockReader {
    private let stream: any ByteStream
    private let compressed: Bool
    /// Compressed bytes already counted by earlier blocks.
    private var reported = 0
    private let format: DataFormat
    private var options: DecodeOptions
    private let splitter: RecordBlockSplitter
    private let blockBytes: Int
    private var pending: [UInt8] = []
    private var endOfFile = false
    private var started = false
    /// Header and byte-order-mark bytes, counted with the first block.
    private var prefixBytes = 0
    /// Rows refused while reading the header (an unterminated quote that runs to the end of
    /// the file), reported with the first block.
    private var headerRejections: [Rejection] = []
    let expectedBytes: Int?

    init(
        stream: any ByteStream, format: DataFormat, options: DecodeOptions, splitter: RecordBlockSplitter, blockBytes: Int,
        expectedBytes: Int?, compressed: Bool
    ) {
        self.stream = stream
        self.compressed = compressed
        self.format = format
        self.options = options
        self.splitter = splitter
        self.blockBytes = max(4096, blockBytes)
        self.expectedBytes = expectedBytes
    }

    /// Reads up to `blockBytes` more bytes after what `pending` holds, straight into a new
    /// buffer (no zero fill, and the bytes already held are copied once); sets `endOfFile`
    /// at the end. Usually `pending` holds only the tail of the previous block.
    private func readMore() throws {
        let held = pending
        let stream = self.stream
        var reachedEnd = false
        pending = try [UInt8](unsafeUninitializedCapacity: held.count + blockBytes) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            held.withUnsafeBufferPointer { old in
                if let source = old.baseAddress { base.initialize(from: source, count: old.count) }
            }
            count = held.count
            while count < buffer.count {
                let n = try stream.read(into: UnsafeMutableRawBufferPointer(start: base + count, count: buffer.count - count))
                if n == 0 {
                    reachedEnd = true
                    break
                }
                count += n
            }
        }
        if reachedEnd { endOfFile = true }
    }

    /// Takes the byte order mark and, for CSV with a header, the header row off the front.
    private func start() throws {
        started = true
        try readMore()
        if pending.starts(with: [0xEF, 0xBB, 0xBF]) {
            pending.removeFirst(3)
            prefixBytes += 3
        }
        guard format == .csv else { return }
        guard options.hasHeader else { return }
        // The header is the first record that is not blank, as in a sequential read: take
        // records off the front until decoding them names the fields.
        var end = 0
        var names: [String] = []
        while names.isEmpty {
            let from = end
            var next = pending.withUnsafeBytes { splitter.firstBoundary(in: UnsafeRawBufferPointer(rebasing: $0[from...])) }
            while next == nil, !endOfFile {
                try readMore()
                next = pending.withUnsafeBytes { splitter.firstBoundary(in: UnsafeRawBufferPointer(rebasing: $0[from...])) }
            }
            end = next.map { from + $0 } ?? pending.count
            var headerOptions = options
            headerOptions.columnNames = nil
            headerOptions.projection = nil
            var decoder = makeDecoder(.csv, options: headerOptions)
            let headerEnd = end
            var chunks = try pending.withUnsafeBytes { try decoder.feed(UnsafeRawBufferPointer(rebasing: $0[0..<headerEnd])) }
            chunks += try decoder.finish()
            names = chunks.last?.batch.fields ?? []
            headerRejections = chunks.flatMap(\.rejected)
            if next == nil { break }
        }
        options.columnNames = names
        options.firstLine = 1 + pending.withUnsafeBytes { RecordBlockSplitter.lineFeeds(in: UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
        prefixBytes += end
        pending.removeFirst(end)
    }

    func nextBlock() async throws -> SourceBlock? {
        if !started { try start() }
        var cut: Int?
        while true {
            if endOfFile {
                if pending.isEmpty, prefixBytes == 0 { return nil }
                cut = pending.count
                break
            }
            if pending.count >= blockBytes, let boundary = pending.withUnsafeBytes({ splitter.lastBoundary(in: $0) }) {
                cut = boundary
                break
            }
            try readMore()
        }
        let end = cut ?? pending.count
        // The block keeps the buffer; only the bytes after the cut move to a new one.
        var taken = pending
        pending = Array(taken[end...])
        taken.removeLast(taken.count - end)
        let bytes = taken
        var blockOptions = options
        blockOptions.hasHeader = false
        let decodeOptions = blockOptions
        let extra = prefixBytes
        prefixBytes = 0
        let carried = headerRejections
        headerRejections = []
        let lines = bytes.withUnsafeBytes { RecordBlockSplitter.lineFeeds(in: $0) }
        options.firstLine += lines
        let format = self.format
        // A compressed file's blocks count the compressed bytes read since the block before
        // (read-ahead included), so they still add up to the file's size.
        let byteCount: Int
        if compressed {
            byteCount = stream.consumed - reported
            reported = stream.consumed
        } else {
            byteCount = bytes.count + extra
        }
        let compressed = self.compressed
        return SourceBlock(byteCount: byteCount) {
            var decoder = makeDecoder(format, options: decodeOptions)
            var chunks = try bytes.withUnsafeBytes { try decoder.feed($0) }
            chunks += try decoder.finish()
            if chunks.isEmpty { return [SourceChunk(batch: .empty, rejected: carried, bytes: byteCount)] }
            if compressed {
                for index in chunks.indices { chunks[index].bytes = 0 }
                chunks[0].bytes = byteCount
            } else {
                chunks[0].bytes += extra
            }
            chunks[0].rejected.insert(contentsOf: carried, at: 0)
            return chunks
        }
    }
}
