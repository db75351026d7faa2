// Written from scratch (the IEEE 802.3 CRC-32 Avro's snappy codec appends): no Swift package
// in the build offers one.

/// The CRC-32 of IEEE 802.3 / zlib (reflected polynomial 0xEDB88320), which Avro's snappy
/// codec stores big-endian after each compressed block. Eight bytes are folded per step with
/// eight tables ("slicing by 8").
enum CRC32 {
    /// `tables[k][b]`: the CRC contribution of byte `b` followed by `k` zero bytes.
    private static let tables: [[UInt32]] = {
        var first = [UInt32](repeating: 0, count: 256)
        for index in 0..<256 {
            var crc = UInt32(index)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            first[index] = crc
        }
        var tables = [first]
        for k in 1..<8 {
            tables.append((0..<256).map { index in
                let previous = tables[k - 1][index]
                return (previous >> 8) ^ first[Int(previous & 0xFF)]
            })
        }
        return tables
    }()

    /// One array of the eight tables back to back, for the hot loop.
    private static let flat: [UInt32] = tables.flatMap { $0 }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        flat.withUnsafeBufferPointer { t in
            var i = 0
            let count = bytes.count
            while i + 8 <= count {
                let low = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                i += 8
            }
            while i < count {
                crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
        }
        return ~crc
    }
}
