import SluiceCodecs
import SluiceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one file read front to back: as they are, or decompressed on the way
/// (`.gz`, `.zst`, `.bz2`). Text formats and Avro read through this.
protocol ByteStream: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`; returns 0 only at the end.
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

/// A compressed file, decompressed a piece at a time with bounded output per call, so a
/// small file that expands enormously is never held whole.
final class DecompressingStream: ByteStream {
    private let file: FileDescriptorStream
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

    init(file: FileDescriptorStream, decompressor: any StreamDecompressor, codec: StreamCodec, shown: String) {
        self.file = file
        self.decompressor = decompressor
        self.codec = codec
        self.shown = shown
    }

    var consumed: Int { file.consumed }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while outputStart == output.count {
            if finished { return 0 }
            try refill(limit: max(buffer.count, 1 << 16))
        }
        let count = min(buffer.count, output.count - outputStart)
        output.withUnsafeBytes { source in
            if let from = source.baseAddress { base.copyMemory(from: from + outputStart, byteCount: count) }
        }
        outputStart += count
        return count
    }

    /// Decompresses more output (at most `limit` bytes), reading compressed input as needed.
    private func refill(limit: Int) throws {
        output.removeAll(keepingCapacity: true)
        outputStart = 0
        while output.isEmpty {
            if inputStart == inputEnd, !fileEnded {
                // The same buffer each time: grown to the read size once, refilled in place.
                if input.count < Self.readBytes { input = [UInt8](repeating: 0, count: Self.readBytes) }
                let n = try input.withUnsafeMutableBytes { try file.read(into: $0) }
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
