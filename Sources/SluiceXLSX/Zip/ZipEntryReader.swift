// A pull-based reader of one zip entry over RandomAccessInput, written here: ZIPFoundation
// extracts an entry by pushing every decompressed chunk to a closure (so a caller cannot stop
// between chunks with its own buffer half full), reads only from a URL or Data, and on Linux
// its inflate loop does not end on a truncated entry. This one reads compressed bytes in
// pieces, inflates straight into the space the caller offers, and checks the size and CRC-32
// the directory declares.
import SluiceFormats

/// Reads the uncompressed bytes of one zip entry piece by piece, with bounded memory.
struct ZipEntryReader {
    /// Compressed bytes read from the input per step.
    static let inputChunk = 256 * 1024

    let input: any RandomAccessInput
    let entry: ZipEntry
    /// Where the entry's data starts in the file.
    let dataOffset: Int
    private let inflater: RawInflater?
    /// Compressed bytes read from the input but not yet inflated.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// Compressed bytes read from the input so far.
    private var fetched = 0
    /// Compressed bytes handed to zlib so far (for progress accounting).
    private(set) var consumed = 0
    /// Uncompressed bytes produced so far.
    private(set) var produced = 0
    private var crc = CRC32()
    private(set) var finished = false

    /// Opens `entry` of `input` for reading.
    init(input: any RandomAccessInput, entry: ZipEntry) throws {
        self.input = input
        self.entry = entry
        let name = input.name
        let part = entry.name
        guard entry.flags & 1 == 0 else { throw FormatError("\(name): part \(part) is encrypted") }
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw FormatError("\(name): part \(part) is stored uncompressed but declares \(entry.compressedSize) stored and \(entry.uncompressedSize) uncompressed bytes")
            }
            inflater = nil
        case 8:
            // Deflate expands at most about 1032 to 1: a larger declared size is a lie.
            guard entry.uncompressedSize / 1032 <= entry.compressedSize + 1 else {
                throw FormatError("\(name): part \(part) declares \(entry.uncompressedSize) bytes from only \(entry.compressedSize) compressed bytes, more than deflate can expand")
            }
            do { inflater = try RawInflater() } catch { throw FormatError("\(name): part \(part): \(error.message)") }
        default:
            throw FormatError("\(name): part \(part) uses zip compression method \(entry.method); only stored (0) and deflate (8) are supported")
        }
        let headerOffset = entry.localHeaderOffset
        guard headerOffset >= 0, headerOffset <= input.size, input.size - headerOffset >= 30 else {
            throw FormatError("\(name): part \(part): its local header offset \(headerOffset) lies outside the file (\(input.size) bytes)")
        }
        let header = try input.read(offset: headerOffset, count: 30)
        let (signature, nameLength, extraLength) = header.withUnsafeBytes {
            (LittleEndian.u32($0, 0), Int(LittleEndian.u16($0, 26)), Int(LittleEndian.u16($0, 28)))
        }
        guard signature == 0x0403_4B50 else {
            throw FormatError("\(name): part \(part): no local file header at offset \(headerOffset)")
        }
        let start = headerOffset + 30 + nameLength + extraLength
        guard start <= input.size, entry.compressedSize <= input.size - start else {
            throw FormatError("\(name): part \(part): its \(entry.compressedSize) compressed bytes at offset \(start) run past the end of the file (\(input.size) bytes)")
        }
        dataOffset = start
    }

    /// Writes up to `space.count` uncompressed bytes into `space` and returns how many; 0 means
    /// the entry has ended (its size and checksum were checked then).
    mutating func read(into space: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, space.count > 0 else { return 0 }
        let name = input.name
        let part = entry.name
        guard let inflater else { return try readStored(into: space) }
        while true {
            if pendingStart == pending.count, fetched < entry.compressedSize {
                let count = min(Self.inputChunk, entry.compressedSize - fetched)
                pending = try input.read(offset: dataOffset + fetched, count: count)
                pendingStart = 0
                fetched += count
            }
            let step: RawInflater.Step
            do {
                step = try pending.withUnsafeBytes { p in
                    try inflater.inflate(UnsafeRawBufferPointer(rebasing: p[pendingStart...]), into: space)
                }
            } catch let failure as RawInflater.Failure {
                throw FormatError("\(name): part \(part): \(failure.message) near compressed offset \(dataOffset + consumed)")
            }
            pendingStart += step.consumed
            consumed += step.consumed
            if step.produced > 0 {
                produced += step.produced
                guard produced <= entry.uncompressedSize else {
                    throw FormatError("\(name): part \(part) inflates to more than its declared \(entry.uncompressedSize) bytes")
                }
                crc.update(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(space)[0..<step.produced]))
            }
            if step.ended {
                try finish()
                return step.produced
            }
            if step.produced > 0 { return step.produced }
            if step.consumed == 0 {
                if pendingStart < pending.count {
                    throw FormatError("\(name): part \(part): inflate made no progress at compressed offset \(dataOffset + consumed)")
                }
                if fetched == entry.compressedSize {
                    throw FormatError("\(name): part \(part): the deflate stream is truncated (it ends after \(entry.compressedSize) compressed bytes, \(produced) bytes inflated)")
                }
            }
        }
    }

    private mutating func readStored(into space: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(space.count, entry.compressedSize - fetched, Self.inputChunk)
        guard count > 0 else {
            try finish()
            return 0
        }
        let bytes = try input.read(offset: dataOffset + fetched, count: count)
        bytes.withUnsafeBytes { b in
            space.copyMemory(from: b)
            crc.update(b)
        }
        fetched += count
        consumed += count
        produced += count
        if fetched == entry.compressedSize { try finish() }
        return count
    }

    private mutating func finish() throws {
        finished = true
        guard produced == entry.uncompressedSize else {
            throw FormatError("\(input.name): part \(entry.name) inflates to \(produced) bytes, not its declared \(entry.uncompressedSize)")
        }
        guard crc.value == entry.crc32 else {
            throw FormatError("\(input.name): part \(entry.name) fails its CRC-32 check (declared \(hex(entry.crc32)), computed \(hex(crc.value)))")
        }
    }

    /// Reads the whole entry, refusing one that declares or inflates to more than `limit` bytes
    /// (`what` names the limit in the message).
    static func readAll(input: any RandomAccessInput, entry: ZipEntry, limit: Int, what: String) throws -> [UInt8] {
        guard entry.uncompressedSize <= limit else {
            throw FormatError("\(input.name): part \(entry.name) declares \(entry.uncompressedSize) bytes, more than the \(limit)-byte limit for \(what)")
        }
        var reader = try ZipEntryReader(input: input, entry: entry)
        var out = [UInt8](repeating: 0, count: entry.uncompressedSize)
        var filled = 0
        try out.withUnsafeMutableBytes { o in
            while filled < o.count {
                let n = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: o[filled...]))
                guard n > 0 else { break }
                filled += n
            }
        }
        // Confirms the end of the stream (and so its size and checksum).
        var probe: UInt8 = 0
        while !reader.finished {
            let extra = try withUnsafeMutableBytes(of: &probe) { try reader.read(into: $0) }
            if extra == 0 { break }
        }
        return out
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
