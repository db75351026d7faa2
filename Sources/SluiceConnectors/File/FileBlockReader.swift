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
    private func readMore() async throws {
        let held = pending
        let total = held.count + blockBytes
        // Every byte is set before use: the held bytes are copied in, the reads fill what
        // follows, and the unfilled tail is cut off below (bytes are a trivial type).
        var next = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            if let base = buffer.baseAddress {
                held.withUnsafeBufferPointer { old in
                    if let source = old.baseAddress { base.initialize(from: source, count: old.count) }
                }
            }
            count = total
        }
        pending = []
        var filled = held.count
        var reachedEnd = false
        while filled < total {
            try await stream.ready()
            let from = filled
            let n = try next.withUnsafeMutableBytes { raw in
                try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[from..<total]))
            }
            if n == 0 {
                reachedEnd = true
                break
            }
            filled += n
        }
        next.removeLast(total - filled)
        pending = next
        if reachedEnd { endOfFile = true }
    }

    /// Takes the byte order mark and, for CSV with a header, the header row off the front.
    private func start() async throws {
        started = true
        try await readMore()
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
                try await readMore()
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
        if !started { try await start() }
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
            try await readMore()
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
