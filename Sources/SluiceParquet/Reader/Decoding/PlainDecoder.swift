// Written from scratch for Sluice from the Parquet format's encodings document (PLAIN).

/// Streams PLAIN-encoded values of one physical type: fixed-width little-endian numbers,
/// bit-packed booleans, length-prefixed byte arrays and fixed-length byte arrays (INT96 is
/// a 12-byte fixed-length value).
struct PlainDecoder {
    private var position: Int
    private let end: Int
    /// The next boolean's bit within the data.
    private var bit = 0

    /// A decoder of the values in `start ..< end` of the page buffer.
    init(start: Int, end: Int) {
        position = start
        self.end = end
        bit = start * 8
    }

    /// Bytes not read yet.
    var remaining: Int { end - position }

    private mutating func take(_ count: Int, width: Int) throws(ParquetDecodeError) -> Int {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, bytes <= end - position else {
            throw ParquetDecodeError("\(count) values of \(width) bytes run past the end of the page (\(end - position) bytes left)")
        }
        let start = position
        position += bytes
        return start
    }

    /// Reads `count` INT32 values, sign-extended.
    mutating func readInt32(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout [Int64]) throws(ParquetDecodeError) {
        let start = try take(count, width: 4)
        for i in 0..<count {
            out.append(Int64(Int32(littleEndian: p.loadUnaligned(fromByteOffset: start + 4 * i, as: Int32.self))))
        }
    }

    /// Reads `count` INT32 values straight into Sluice integers.
    mutating func readInt32(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout [Int]) throws(ParquetDecodeError) {
        let start = try take(count, width: 4)
        for i in 0..<count {
            out.append(Int(Int32(littleEndian: p.loadUnaligned(fromByteOffset: start + 4 * i, as: Int32.self))))
        }
    }

    /// Reads `count` INT64 values.
    mutating func readInt64(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout [Int64]) throws(ParquetDecodeError) {
        let start = try take(count, width: 8)
        Self.appendRaw(p, start: start, count: count, to: &out)
    }

    /// Reads `count` INT64 values straight into Sluice integers (one copy on little-endian
    /// machines).
    mutating func readInt64(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout [Int]) throws(ParquetDecodeError) {
        let start = try take(count, width: 8)
        Self.appendRaw(p, start: start, count: count, to: &out)
    }

    /// Reads `count` FLOAT values, widened.
    mutating func readFloat(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout [Double]) throws(ParquetDecodeError) {
        let start = try take(count, width: 4)
        for i in 0..<count {
            let raw = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self))
            out.append(Double(Float(bitPattern: raw)))
        }
    }

    /// Reads `count` DOUBLE values.
    mutating func readDouble(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout [Double]) throws(ParquetDecodeError) {
        let start = try take(count, width: 8)
        Self.appendRaw(p, start: start, count: count, to: &out)
    }

    /// Appends `count` 8-byte little-endian values at `start` to `out`.
    @inline(__always)
    private static func appendRaw<T: BitwiseCopyable>(_ p: UnsafeRawBufferPointer, start: Int, count: Int, to out: inout [T]) {
        guard count > 0 else { return }
        #if _endian(little)
            let base = out.count
            out.append(contentsOf: repeatElement(unsafeBitCast(UInt64(0), to: T.self), count: count))
            out.withUnsafeMutableBytes { target in
                guard let to = target.baseAddress, let from = p.baseAddress else { return }
                (to + base * 8).copyMemory(from: from + start, byteCount: count * 8)
            }
        #else
            for i in 0..<count {
                out.append(unsafeBitCast(UInt64(littleEndian: p.loadUnaligned(fromByteOffset: start + 8 * i, as: UInt64.self)), to: T.self))
            }
        #endif
    }

    /// Reads `count` booleans (one bit each, least significant first).
    mutating func readBool(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout [Bool]) throws(ParquetDecodeError) {
        guard count <= (end * 8 - bit) else { throw ParquetDecodeError("\(count) booleans run past the end of the page") }
        for _ in 0..<count {
            out.append(p[bit >> 3] >> UInt8(bit & 7) & 1 == 1)
            bit += 1
        }
        position = (bit + 7) / 8
    }

    /// Reads `count` length-prefixed byte arrays.
    mutating func readByteArrays(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout ParquetPhysicalValues) throws(ParquetDecodeError) {
        for _ in 0..<count {
            let length = try BitReading.length32(p, &position, end: end)
            out.appendBytes(UnsafeRawBufferPointer(rebasing: p[position..<(position + length)]))
            position += length
        }
    }

    /// Calls `body` with each of the next `count` length-prefixed byte arrays, in place.
    @inline(__always)
    mutating func forEachByteArray(
        _ count: Int, _ p: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        for _ in 0..<count {
            let length = try BitReading.length32(p, &position, end: end)
            try body(UnsafeRawBufferPointer(rebasing: p[position..<(position + length)]))
            position += length
        }
    }

    /// Reads `count` fixed-length byte arrays of `width` bytes (INT96: 12).
    mutating func readFixed(_ count: Int, width: Int, _ p: UnsafeRawBufferPointer, into out: inout ParquetPhysicalValues) throws(ParquetDecodeError) {
        let start = try take(count, width: width)
        out.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[start..<(start + count * width)]))
        var offset = out.offsets[out.offsets.count - 1]
        for _ in 0..<count {
            offset += width
            out.offsets.append(offset)
        }
    }
}
