import CCompressZlib

/// The CRC-32 a zip entry records (zlib's, so the table-free slicing code is zlib's).
struct CRC32 {
    private(set) var value: UInt32 = 0

    /// Adds `bytes` to the checksum.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        var crc = UInt(value)
        while offset < bytes.count {
            let piece = min(bytes.count - offset, 1 << 30)
            crc = crc32(crc, (base + offset).assumingMemoryBound(to: UInt8.self), UInt32(truncatingIfNeeded: piece))
            offset += piece
        }
        value = UInt32(truncatingIfNeeded: crc)
    }

    /// The checksum of `bytes`.
    static func of(_ bytes: [UInt8]) -> UInt32 {
        var crc = CRC32()
        bytes.withUnsafeBytes { crc.update($0) }
        return crc.value
    }
}
