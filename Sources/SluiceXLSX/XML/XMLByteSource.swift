/// Where an ``XMLPullTokenizer`` gets its bytes: a zip entry being inflated, or bytes in memory.
protocol XMLByteSource {
    /// Writes up to `space.count` bytes into `space` and returns how many; 0 means the end.
    mutating func read(into space: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A whole document held in memory.
struct XMLMemorySource: XMLByteSource {
    let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func read(into space: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(space.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { space.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)])) }
        offset += count
        return count
    }
}

extension ZipEntryReader: XMLByteSource {}
