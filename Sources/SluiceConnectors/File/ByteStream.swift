import SluiceCodecs
import SluiceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one file or object read front to back: as they are, or decompressed on the
/// way (`.gz`, `.zst`, `.bz2`). Text formats and Avro read through this.
///
/// Reading is synchronous, but an object's bytes arrive over the network: a reader awaits
/// ``ready()`` before each ``read(into:)``, which then returns at once. A local file is
/// always ready.
protocol ByteStream: AnyObject {
    /// Waits, without holding a thread, until the next ``read(into:)`` returns bytes at once or
    /// the stream has ended.
    func ready() async throws
    /// Reads up to `buffer.count` bytes into `buffer`; returns 0 only at the end. A stream that
    /// fetches its bytes (an object) must have been made ``ready()`` first.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes of the file consumed so far (compressed bytes, for a compressed file), for
    /// progress and the bytes-read statistic.
    var consumed: Int { get }
}

/// Opens `entry` as a byte stream, decompressing with `codec` when there is one.
func openByteStream(_ path: String, shown: String, codec: StreamCodec?) throws -> any ByteStream {
    let file = try FileDescriptorStream(path: path, shown: shown)
    guard let codec else { return file }
    return DecompressingStream(file: file, decompressor: codec.makeDecompressor(), codec: codec, shown: shown)
}

/// `stream` decompressed with `codec` when there is one.
func decompressing(_ stream: any ByteStream, shown: String, codec: StreamCodec?) -> any ByteStream {
    guard let codec else { return stream }
    return DecompressingStream(file: stream, decompressor: codec.makeDecompressor(), codec: codec, shown: shown)
}

/// A file read with `read(2)`.
final class FileDescriptorStream: ByteStream {
    private var fd: Int32
    private let shown: String
    private(set) var consumed = 0

    init(path: String, shown: String) throws {
        self.shown = shown
        fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ConnectorError.io("cannot open \(DataRoots.describe(path, given: shown)): \(String(cString: strerror(errno)))") }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(fd)
            fd = -1
            throw ConnectorError.io("\(DataRoots.describe(path, given: shown)) is a directory, not a file")
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    func ready() async throws {}

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard fd >= 0, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw ConnectorError.io("reading '\(shown)' failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                Glibc.close(fd)
                fd = -1
            }
            consumed += n
            return n
        }
    }
}

/// A compressed file or object, decompressed a piece at a time with bounded output per call,
/// so a small file that expands enormously is never held whole.
final class DecompressingStream: ByteStream {
    private let file: any ByteStream
    private var decompressor: any StreamDecompressor
    private let codec: StreamCodec
    private let shown: String
    /// Compressed bytes read but not yet consumed by the decompressor.
    private var input: [UInt8] = []
    /// The bytes of `input` that hold compressed data (`inputStart ..< inputEnd`).
    private var inputEnd = 0
    private var inputStart = 0
    private var fileEnded = false
    private var finished = false
    /// Decompressed bytes not yet handed out.
    private var output: [UInt8] = []
    private var outputStart = 0

    /// Compressed bytes read per system call.
    static let readBytes = 1 << 20

    init(file: any ByteStream, decompressor: any StreamDecompressor, codec: StreamCodec, shown: String) {
        self.file = file
        self.decompressor = decompressor
        self.codec = codec
        self.shown = shown
    }

    var consumed: Int { file.consumed }

    /// Decompresses until output is waiting or the stream has finished, awaiting the
    /// compressed stream before each of its reads.
    func ready() async throws {
        while outputStart == output.count, !finished {
            let needsInput = inputStart == inputEnd && !fileEnded
            if needsInput { try await file.ready() }
            try refill(limit: Self.outputBytes, reads: needsInput ? 1 : 0)
        }
    }

    /// Decompressed bytes made per step.
    static let outputBytes = 1 << 20

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while outputStart == output.count {
            if finished { return 0 }
            try refill(limit: max(buffer.count, 1 << 16), reads: .max)
        }
        let count = min(buffer.count, output.count - outputStart)
        output.withUnsafeBytes { source in
            if let from = source.baseAddress { base.copyMemory(from: from + outputStart, byteCount: count) }
        }
        outputStart += count
        return count
    }

    /// Decompresses more output (at most `limit` bytes), reading compressed input as needed;
    /// reading the compressed stream at most `reads` times (as often as it was made ready).
    private func refill(limit: Int, reads: Int) throws {
        output.removeAll(keepingCapacity: true)
        outputStart = 0
        var reads = reads
        while output.isEmpty {
            if reads == 0, inputStart == inputEnd, !fileEnded { return }
            if inputStart == inputEnd, !fileEnded {
                // The same buffer each time: grown to the read size once, refilled in place.
                if input.count < Self.readBytes { input = [UInt8](repeating: 0, count: Self.readBytes) }
                let n = try input.withUnsafeMutableBytes { try file.read(into: $0) }
                reads -= 1
                inputEnd = n
                inputStart = 0
                if n == 0 { fileEnded = true }
            }
            let start = inputStart
            let used: Int
            do {
                let end = inputEnd
                used = try input.withUnsafeBytes { raw in
                    try decompressor.decompress(UnsafeRawBufferPointer(rebasing: raw[start..<end]), into: &output, limit: limit)
                }
            } catch let error as CodecError {
                throw ConnectorError.io("'\(shown)' is not valid \(codec.rawValue) data (near compressed byte \(file.consumed - (inputEnd - start))): \(error.message)")
            }
            inputStart += used
            if output.isEmpty, used == 0, inputStart == inputEnd, fileEnded {
                do {
                    try decompressor.finish()
                } catch let error as CodecError {
                    throw ConnectorError.io("'\(shown)' is not valid \(codec.rawValue) data: \(error.message)")
                }
                finished = true
                return
            }
        }
    }
}
