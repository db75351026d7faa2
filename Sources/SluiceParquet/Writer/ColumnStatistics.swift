#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The min/max statistics of a column chunk in Parquet's TYPE_ORDER: signed or unsigned
/// integers as the logical type says, IEEE order for floats ignoring NaN (a zero minimum is
/// written −0.0, a zero maximum +0.0, as the format asks), unsigned bytewise order for byte
/// arrays, signed (two's complement) order for fixed-length decimals.
enum ColumnStatistics {
    /// Byte-array minima or maxima longer than this are left out (with `null_count` kept), so
    /// one long value does not bloat the footer; pyarrow's default limit.
    static let maximumValueSize = 4096

    /// The statistics of `chunk`'s values; byte-array and fixed-length minima and maxima come
    /// from `distinct` when the chunk is dictionary-encoded (the same set, fewer values).
    /// `nullCount` is the chunk's entries without a value (its null rows, for a top-level
    /// column).
    static func of(_ chunk: ColumnChunkBuffer, nullCount: Int, distinct: (bytes: [UInt8], offsets: [Int])? = nil) -> ParquetStatistics {
        var statistics = ParquetStatistics()
        statistics.nullCount = Int64(nullCount)
        let bounds: (min: [UInt8], max: [UInt8])?
        let order = chunk.plan.sortOrder
        switch chunk.plan.physicalType {
        case .boolean:
            bounds = chunk.booleans.isEmpty
                ? nil : ([chunk.booleans.contains(false) ? 0 : 1], [chunk.booleans.contains(true) ? 1 : 0])
        case .int32:
            bounds = order == .unsigned
                ? integerBounds(chunk.int32s.lazy.map { UInt32(bitPattern: $0) }, as: Int32.self)
                : integerBounds(chunk.int32s.lazy.map { $0 }, as: Int32.self)
        case .int64:
            bounds = order == .unsigned
                ? integerBounds(chunk.int64s.lazy.map { UInt64(bitPattern: $0) }, as: Int64.self)
                : integerBounds(chunk.int64s.lazy.map { $0 }, as: Int64.self)
        case .float: bounds = floatBounds(chunk.floats)
        case .double: bounds = floatBounds(chunk.doubles)
        case .fixedLenByteArray:
            let width = chunk.plan.fixedLength ?? 1
            if let distinct {
                bounds = byteBounds(distinct.bytes, offsets: distinct.offsets, signed: order == .signed)
            } else {
                let offsets = stride(from: 0, through: chunk.bytes.count, by: width).map { $0 }
                bounds = byteBounds(chunk.bytes, offsets: offsets, signed: order == .signed)
            }
        default:
            let (bytes, offsets) = distinct ?? (chunk.bytes, chunk.offsets)
            bounds = byteBounds(bytes, offsets: offsets, signed: false)
        }
        if let bounds, bounds.min.count <= maximumValueSize, bounds.max.count <= maximumValueSize {
            statistics.minValue = bounds.min
            statistics.maxValue = bounds.max
            statistics.isMinValueExact = true
            statistics.isMaxValueExact = true
        }
        return statistics
    }

    /// Min and max of integers compared as `values`' element type, written as `Stored`'s
    /// little-endian bytes (the column's PLAIN form).
    private static func integerBounds<S: Sequence, Stored: FixedWidthInteger>(_ values: S, as: Stored.Type) -> ([UInt8], [UInt8])?
    where S.Element: FixedWidthInteger {
        var iterator = values.makeIterator()
        guard let first = iterator.next() else { return nil }
        var low = first, high = first
        while let value = iterator.next() {
            if value < low { low = value }
            if value > high { high = value }
        }
        return (littleEndian(Stored(truncatingIfNeeded: low)), littleEndian(Stored(truncatingIfNeeded: high)))
    }

    private static func floatBounds<F: BinaryFloatingPoint>(_ values: [F]) -> ([UInt8], [UInt8])? {
        var low = F.infinity, high = -F.infinity
        var any = false
        for value in values where !value.isNaN {
            any = true
            if value < low { low = value }
            if value > high { high = value }
        }
        guard any else { return nil }
        if low == 0 { low = -0.0 }
        if high == 0 { high = 0.0 }
        return (withUnsafeBytes(of: low) { Array($0) }, withUnsafeBytes(of: high) { Array($0) })
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// Min and max of byte strings (value `i` is `bytes[offsets[i] ..< offsets[i + 1]]`),
    /// bytewise unsigned, or two's complement (first byte signed) for decimals.
    private static func byteBounds(_ bytes: [UInt8], offsets: [Int], signed: Bool) -> ([UInt8], [UInt8])? {
        let count = offsets.count - 1
        guard count > 0 else { return nil }
        return bytes.withUnsafeBytes { all -> ([UInt8], [UInt8]) in
            func value(_ i: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: all[offsets[i]..<offsets[i + 1]])
            }
            var low = 0, high = 0
            for i in 1..<count {
                let candidate = value(i)
                if less(candidate, value(low), signed: signed) { low = i }
                if less(value(high), candidate, signed: signed) { high = i }
            }
            return (Array(value(low)), Array(value(high)))
        }
    }

    private static func less(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, signed: Bool) -> Bool {
        if signed, let first = a.first, let other = b.first, first != other {
            return Int8(bitPattern: first) < Int8(bitPattern: other)
        }
        let common = Swift.min(a.count, b.count)
        if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let order = memcmp(pa, pb, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }
}
