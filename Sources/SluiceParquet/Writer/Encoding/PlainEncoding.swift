/// Parquet's PLAIN encoding: fixed-width values little-endian back to back, booleans one bit
/// each (least significant first), BYTE_ARRAY values as a 4-byte little-endian length and the
/// bytes, FIXED_LEN_BYTE_ARRAY values as their bytes.
enum PlainEncoding {
    /// Appends fixed-width numbers (INT32, INT64, FLOAT, DOUBLE) little-endian.
    static func append<T: BitwiseCopyable>(_ values: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        #if _endian(little)
        out.append(contentsOf: UnsafeRawBufferPointer(values))
        #else
        for value in values {
            withUnsafeBytes(of: value) { out.append(contentsOf: $0.reversed()) }
        }
        #endif
    }

    /// Appends booleans as bits.
    static func append(_ values: UnsafeBufferPointer<Bool>, into out: inout [UInt8]) {
        var i = 0
        out.reserveCapacity(out.count + (values.count + 7) / 8)
        while i < values.count {
            var byte: UInt8 = 0
            for bit in 0..<Swift.min(8, values.count - i) where values[i + bit] {
                byte |= 1 << UInt8(truncatingIfNeeded: bit)
            }
            out.append(byte)
            i += 8
        }
    }

    /// Appends BYTE_ARRAY values `range` of `bytes`/`offsets` (value `i` is
    /// `bytes[offsets[i] ..< offsets[i + 1]]`). Each value is below 2 GiB: a row group's
    /// buffered bytes are.
    static func appendByteArrays(bytes: [UInt8], offsets: [Int], range: Range<Int>, into out: inout [UInt8]) {
        guard !range.isEmpty else { return }
        out.reserveCapacity(out.count + offsets[range.upperBound] - offsets[range.lowerBound] + 4 * range.count)
        bytes.withUnsafeBytes { all in
            for i in range {
                let start = offsets[i], end = offsets[i + 1]
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: end - start).littleEndian) { out.append(contentsOf: $0) }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: all[start..<end]))
            }
        }
    }

    /// The PLAIN size of BYTE_ARRAY values `range`.
    static func byteArraySize(offsets: [Int], range: Range<Int>) -> Int {
        offsets[range.upperBound] - offsets[range.lowerBound] + 4 * range.count
    }
}
