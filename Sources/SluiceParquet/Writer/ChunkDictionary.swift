/// A column chunk's dictionary encoding: the distinct values (PLAIN-encoded, as the
/// dictionary page holds them) and each present value's index.
///
/// The choice is made per chunk, with the whole chunk in hand: the dictionary is built over
/// every value, and given up (the chunk is written PLAIN) when its PLAIN form passes
/// ``ParquetWriteOptions/dictionaryPageSizeLimit``, when the values look too distinct to be
/// worth hashing further (see ``isTooDistinct(values:distinct:)``), or when in the end the
/// dictionary and its indices would not be smaller than the PLAIN values. Booleans are never
/// dictionary-encoded.
struct ChunkDictionary {
    /// Whether, after `values` values with `distinct` distinct ones, the chunk is given up:
    /// more than 90% distinct in the first 4,096 (ids, timestamps, measurements: dropped
    /// early and cheaply), or more than half of the first 16,384 (a column of up to about
    /// ten thousand distinct values still gets its dictionary).
    @inline(__always)
    static func isTooDistinct(values: Int, distinct: Int) -> Bool {
        (values == 4096 && distinct > 3686) || (values == 16_384 && distinct > 8192)
    }

    /// The dictionary page's values.
    var page: [UInt8]
    /// The number of distinct values.
    var count: Int
    /// The index of each present value.
    var indices: [UInt32]
    /// The bits of each index.
    var bitWidth: Int
    /// The distinct byte strings (for statistics) when the column holds byte arrays.
    var distinct: (bytes: [UInt8], offsets: [Int])?

    /// The dictionary of `chunk`, or `nil` when PLAIN is the better encoding.
    static func build(_ chunk: ColumnChunkBuffer, sizeLimit: Int) -> ChunkDictionary? {
        let valueCount = chunk.valueCount
        guard valueCount > 0 else { return nil }
        switch chunk.plan.physicalType {
        case .boolean:
            return nil
        case .int32:
            return numbers(chunk.int32s, width: 4, sizeLimit: sizeLimit) { UInt64(UInt32(bitPattern: $0)) }
        case .int64:
            return numbers(chunk.int64s, width: 8, sizeLimit: sizeLimit) { UInt64(bitPattern: $0) }
        case .float:
            return numbers(chunk.floats, width: 4, sizeLimit: sizeLimit) { UInt64($0.bitPattern) }
        case .double:
            return numbers(chunk.doubles, width: 8, sizeLimit: sizeLimit) { $0.bitPattern }
        case .fixedLenByteArray:
            let width = chunk.plan.fixedLength ?? 1
            return byteArrays(chunk, count: valueCount, fixedWidth: width, sizeLimit: sizeLimit)
        default:
            return byteArrays(chunk, count: valueCount, fixedWidth: nil, sizeLimit: sizeLimit)
        }
    }

    /// The dictionary of fixed-width values, keyed by their bit patterns (`key`).
    private static func numbers<T: BitwiseCopyable>(
        _ values: [T], width: Int, sizeLimit: Int, key: (T) -> UInt64
    ) -> ChunkDictionary? {
        var dictionary = FixedWidthDictionary(expectedCount: Swift.min(values.count, 4096))
        var indices = [UInt32]()
        indices.reserveCapacity(values.count)
        let maximumEntries = sizeLimit / width
        for (i, value) in values.enumerated() {
            indices.append(dictionary.index(of: key(value)))
            if isTooDistinct(values: i + 1, distinct: dictionary.count) { return nil }
            if dictionary.count > maximumEntries { return nil }
        }
        // Entries go back to their PLAIN form through the same bits.
        let entries = dictionary.entries
        var page: [UInt8] = []
        page.reserveCapacity(entries.count * width)
        for entry in entries {
            withUnsafeBytes(of: entry.littleEndian) { page.append(contentsOf: $0.prefix(width)) }
        }
        let bitWidth = indexBitWidth(entries.count)
        guard isSmaller(page: page.count, bitWidth: bitWidth, values: values.count, plain: values.count * width) else {
            return nil
        }
        return ChunkDictionary(page: page, count: entries.count, indices: indices, bitWidth: bitWidth, distinct: nil)
    }

    /// The dictionary of byte arrays (or fixed-length ones of `fixedWidth` bytes).
    private static func byteArrays(_ chunk: ColumnChunkBuffer, count: Int, fixedWidth: Int?, sizeLimit: Int) -> ChunkDictionary? {
        var dictionary = ByteArrayDictionary(expectedCount: Swift.min(count, 4096))
        var indices = [UInt32]()
        indices.reserveCapacity(count)
        let lengthPrefix = fixedWidth == nil ? 4 : 0
        var pageSize = 0
        let width = fixedWidth ?? 0
        let built: Bool = chunk.bytes.withUnsafeBytes { all in
            for i in 0..<count {
                let range = width > 0 ? (i * width)..<((i + 1) * width) : chunk.offsets[i]..<chunk.offsets[i + 1]
                let before = dictionary.count
                indices.append(dictionary.index(of: UnsafeRawBufferPointer(rebasing: all[range])))
                if dictionary.count > before {
                    pageSize += lengthPrefix + range.count
                    if pageSize > sizeLimit { return false }
                }
                if isTooDistinct(values: i + 1, distinct: dictionary.count) { return false }
            }
            return true
        }
        guard built else { return nil }
        let bitWidth = indexBitWidth(dictionary.count)
        let plainSize = fixedWidth.map { $0 * count } ?? PlainEncoding.byteArraySize(offsets: chunk.offsets, range: 0..<count)
        guard isSmaller(page: pageSize, bitWidth: bitWidth, values: count, plain: plainSize) else { return nil }
        var page: [UInt8] = []
        if fixedWidth == nil {
            PlainEncoding.appendByteArrays(
                bytes: dictionary.bytes, offsets: dictionary.offsets, range: 0..<dictionary.count, into: &page)
        } else {
            page = dictionary.bytes
        }
        return ChunkDictionary(
            page: page, count: dictionary.count, indices: indices, bitWidth: bitWidth,
            distinct: (dictionary.bytes, dictionary.offsets))
    }

    /// The bits an index into `count` entries takes (at least 1: some readers mishandle 0).
    static func indexBitWidth(_ count: Int) -> Int {
        Swift.max(1, RLEHybridEncoder.bitWidth(forMaximum: count - 1))
    }

    /// Whether the dictionary page and bit-packed indices are smaller than PLAIN.
    private static func isSmaller(page: Int, bitWidth: Int, values: Int, plain: Int) -> Bool {
        page + (values * bitWidth + 7) / 8 < plain
    }
}
