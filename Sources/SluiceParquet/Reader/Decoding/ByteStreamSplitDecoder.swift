// Written from scratch for Sluice from the Parquet format's encodings document
// (BYTE_STREAM_SPLIT).

/// Streams BYTE_STREAM_SPLIT values: for N values of W bytes, byte k of value i is at
/// k·N + i, so the page's values region must be a whole number of values.
struct ByteStreamSplitDecoder {
    private let start: Int
    private let width: Int
    private let valueCount: Int
    private var next = 0

    /// A decoder of the values of `width` bytes in `start ..< end` of the page buffer.
    init(start: Int, end: Int, width: Int) throws(ParquetDecodeError) {
        guard width > 0, (end - start) % width == 0 else {
            throw ParquetDecodeError("BYTE_STREAM_SPLIT data of \(end - start) bytes is not a whole number of \(width)-byte values")
        }
        self.start = start
        self.width = width
        self.valueCount = (end - start) / width
    }

    private mutating func take(_ count: Int) throws(ParquetDecodeError) -> Int {
        guard count <= valueCount - next else {
            throw ParquetDecodeError("BYTE_STREAM_SPLIT data holds \(valueCount - next) more values, \(count) were needed")
        }
        let first = next
        next += count
        return first
    }

    /// The bytes of value `i` gathered into a little-endian integer (width 4 or 8).
    @inline(__always)
    private func gather(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<width { value |= UInt64(p[start + k * valueCount + i]) << UInt64(8 * k) }
        return value
    }

    /// Reads `count` values of 4 or 8 bytes as raw little-endian bit patterns.
    mutating func readWords(_ count: Int, _ p: UnsafeRawBufferPointer, _ emit: (UInt64) -> Void) throws(ParquetDecodeError) {
        let first = try take(count)
        for i in first..<(first + count) { emit(gather(p, i)) }
    }

    /// Reads `count` fixed-length values.
    mutating func readFixed(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout ParquetPhysicalValues) throws(ParquetDecodeError) {
        let first = try take(count)
        var offset = out.offsets[out.offsets.count - 1]
        for i in first..<(first + count) {
            for k in 0..<width { out.bytes.append(p[start + k * valueCount + i]) }
            offset += width
            out.offsets.append(offset)
        }
    }
}
