// The bit reader of the bzip2 decoder, written from scratch for Sluice.

/// Reads bits most-significant first; running past the end throws ``Bzip2NeedsInput``.
struct Bzip2BitReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int

    @inline(__always)
    mutating func read(_ count: Int) throws -> Int {
        guard position + count <= bytes.count * 8 else { throw Bzip2NeedsInput() }
        var value = 0
        for _ in 0..<count {
            let bit = (Int(bytes[position >> 3]) >> (7 - (position & 7))) & 1
            value = value << 1 | bit
            position += 1
        }
        return value
    }

    @inline(__always)
    mutating func bit() throws -> Int {
        guard position < bytes.count * 8 else { throw Bzip2NeedsInput() }
        let bit = (Int(bytes[position >> 3]) >> (7 - (position & 7))) & 1
        position += 1
        return bit
    }
}

/// The input ended inside a unit: wait for more.
struct Bzip2NeedsInput: Error {}
