// Written from scratch (the IEEE 802.3 CRC-32 Avro's snappy codec appends): no Swift package
// in the build offers one.

/// The CRC-32 of IEEE 802.3 / zlib (reflected polynomial 0xEDB88320), which Avro's snappy
/// codec stores big-endian after each compressed block.
enum CRC32 {
    /// One table entry per byte value.
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return ~crc
    }
}
