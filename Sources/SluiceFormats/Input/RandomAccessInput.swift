#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one file, readable at any offset: a local file now, an object in storage
/// later. Formats that need to seek (Parquet's footer, an XLSX file's zip directory) read
/// through this and nothing else.
public protocol RandomAccessInput: Sendable {
    /// The file's name for messages (its path or URL, without secrets).
    var name: String { get }
    /// The size in bytes.
    var size: Int { get }
    /// The bytes `offset ..< offset + count`. Throws ``FormatError`` when the range runs past
    /// the end (naming the file and the offset), or when reading fails.
    func read(offset: Int, count: Int) throws -> [UInt8]
}

extension RandomAccessInput {
    /// Checks that `offset ..< offset + count` lies inside the file, without overflow.
    public func checkRange(offset: Int, count: Int) throws {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw FormatError("\(name): cannot read \(count) bytes at offset \(offset): the file has \(size) bytes")
        }
    }
}

/// Bytes held in memory (tests, and small objects fetched whole).
public struct MemoryInput: RandomAccessInput {
    public let name: String
    public let bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    public var size: Int { bytes.count }

    public func read(offset: Int, count: Int) throws -> [UInt8] {
        try checkRange(offset: offset, count: count)
        return Array(bytes[offset..<(offset + count)])
    }
}

/// A local file read with `pread`, so several readers may share it. The descriptor closes
/// when the last copy goes away.
public final class LocalFileInput: RandomAccessInput {
    public let name: String
    public let size: Int
    private let fd: Int32

    /// Opens `path` for reading; `name` is what messages call it (default: the path).
    public init(path: String, name: String? = nil) throws {
        self.name = name ?? path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FormatError("cannot open \(name ?? path): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw FormatError("cannot read \(name ?? path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else {
            close(fd)
            throw FormatError("\(name ?? path) is a directory, not a file")
        }
        self.fd = fd
        self.size = Int(info.st_size)
    }

    deinit { close(fd) }

    public func read(offset: Int, count: Int) throws -> [UInt8] {
        try checkRange(offset: offset, count: count)
        let fd = self.fd
        let name = self.name
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            while initialized < count {
                let n = pread(fd, base + initialized, count - initialized, off_t(offset + initialized))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FormatError("\(name): read failed at offset \(offset + initialized): \(String(cString: strerror(errno)))")
                }
                if n == 0 { throw FormatError("\(name): the file ended at offset \(offset + initialized) while reading (it shrank?)") }
                initialized += n
            }
        }
    }
}

/// Some ranges of a larger file held in memory: the parts of an object fetched with ranged
/// reads (a Parquet file's footer and the column chunks one block needs). A read must lie
/// inside one fetched range.
public struct RangedInput: RandomAccessInput {
    public let name: String
    public let size: Int
    /// The fetched ranges: their first byte's offset and their bytes, by offset.
    public let pieces: [(offset: Int, bytes: [UInt8])]

    public init(name: String, size: Int, pieces: [(offset: Int, bytes: [UInt8])]) {
        self.name = name
        self.size = size
        self.pieces = pieces.sorted { $0.offset < $1.offset }
    }

    /// The same file with `more` ranges fetched.
    public func adding(_ more: [(offset: Int, bytes: [UInt8])]) -> RangedInput {
        RangedInput(name: name, size: size, pieces: pieces + more)
    }

    public func read(offset: Int, count: Int) throws -> [UInt8] {
        try checkRange(offset: offset, count: count)
        for piece in pieces where piece.offset <= offset && offset - piece.offset <= piece.bytes.count - count {
            let start = offset - piece.offset
            return Array(piece.bytes[start..<(start + count)])
        }
        throw FormatError("\(name): bytes \(offset) ..< \(offset + count) were not fetched")
    }
}
