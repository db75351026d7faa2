import SluiceCore
import SluiceFormats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts a CSV or NDJSON file into blocks of whole records for parallel decoding.
///
/// The reader itself only reads and finds the last record boundary of each block (with
/// `memchr`, see ``RecordBlockSplitter``); decoding happens in the block's `decode`, on
/// whichever worker runs it. Line numbers are carried across blocks, so rows and rejections
/// report the same positions as a sequential read.
final class FileBlockReader: BlockReader {
    private var fd: Int32
    private let format: DataFormat
    private var options: DecodeOptions
    private let splitter: RecordBlockSplitter
    private let blockBytes: Int
    private var pending: [UInt8] = []
    private var endOfFile = false
    private var started = false
    /// Header and byte-order-mark bytes, counted with the first block.
    private var prefixBytes = 0
    let expectedBytes: Int?

    init(fd: Int32, format: DataFormat, options: DecodeOptions, splitter: RecordBlockSplitter, blockBytes: Int, expectedBytes: Int?) {
        self.fd = fd
        self.format = format
        self.options = options
        self.splitter = splitter
        self.blockBytes = max(4096, blockBytes)
        self.expectedBytes = expectedBytes
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    /// Reads up to `blockBytes` more bytes onto `pending`; sets `endOfFile` at the end.
    private func readMore() throws {
        let old = pending.count
        pending.reserveCapacity(old + blockBytes)
        pending.append(contentsOf: repeatElement(0, count: blockBytes))
        var filled = 0
        while filled < blockBytes {
            let n = pending.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.read(fd, base + old + filled, blockBytes - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ConnectorError.io("read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                endOfFile = true
                break
            }
            filled += n
        }
        pending.removeLast(blockBytes - filled)
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
        var headerEnd = pending.withUnsafeBytes { splitter.firstBoundary(in: $0) }
        while headerEnd == nil, !endOfFile {
            try readMore()
            headerEnd = pending.withUnsafeBytes { splitter.firstBoundary(in: $0) }
        }
        let end = headerEnd ?? pending.count
        var headerOptions = options
        headerOptions.columnNames = nil
        var decoder = makeDecoder(.csv, options: headerOptions)
        var chunks = try pending.withUnsafeBytes { try decoder.feed(UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
        chunks += try decoder.finish()
        options.columnNames = chunks.last?.batch.fields ?? []
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
        let bytes = Array(pending[0..<end])
        pending.removeFirst(end)
        var blockOptions = options
        blockOptions.hasHeader = false
        let decodeOptions = blockOptions
        let extra = prefixBytes
        prefixBytes = 0
        let lines = bytes.withUnsafeBytes { RecordBlockSplitter.lineFeeds(in: $0) }
        options.firstLine += lines
        if endOfFile, pending.isEmpty {
            Glibc.close(fd)
            fd = -1
        }
        let format = self.format
        return SourceBlock(byteCount: bytes.count + extra) {
            var decoder = makeDecoder(format, options: decodeOptions)
            var chunks = try bytes.withUnsafeBytes { try decoder.feed($0) }
            chunks += try decoder.finish()
            if chunks.isEmpty { return [SourceChunk(batch: .empty, bytes: bytes.count + extra)] }
            chunks[0].bytes += extra
            return chunks
        }
    }
}
