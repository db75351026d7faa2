// Written from scratch for Sluice from the Parquet format's encodings document
// (DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY).

/// Streams DELTA_LENGTH_BYTE_ARRAY values: all lengths as DELTA_BINARY_PACKED, then all the
/// bytes back to back.
struct DeltaLengthByteArrayDecoder {
    private var lengths: DeltaBinaryPackedDecoder
    private var dataPosition: Int
    private let end: Int
    private var scratch: [Int64] = []

    /// A decoder of the values in `start ..< end` of the page buffer.
    init(_ p: UnsafeRawBufferPointer, start: Int, end: Int) throws(ParquetDecodeError) {
        lengths = try DeltaBinaryPackedDecoder(p, start: start, end: end, bits: 32)
        var scan = lengths
        dataPosition = try scan.skipToEnd(p)
        self.end = end
    }

    /// The position just past the last value's bytes, once every value is read.
    var position: Int { dataPosition }

    /// Values the stream holds.
    var totalCount: Int { lengths.totalCount }

    /// Calls `body` with each of the next `count` values, in place.
    @inline(__always)
    mutating func forEach(_ count: Int, _ p: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        scratch.removeAll(keepingCapacity: true)
        try lengths.read(count, p, into: &scratch)
        for raw in scratch {
            let length = Int(Int32(truncatingIfNeeded: raw))
            guard length >= 0, length <= end - dataPosition else {
                throw ParquetDecodeError("a value length of \(length) runs past the end of the page (\(end - dataPosition) bytes left)")
            }
            try body(UnsafeRawBufferPointer(rebasing: p[dataPosition..<(dataPosition + length)]))
            dataPosition += length
        }
    }

    /// Reads `count` values.
    mutating func read(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout ParquetPhysicalValues) throws {
        try forEach(count, p) { out.appendBytes($0) }
    }
}

/// Streams DELTA_BYTE_ARRAY values (incremental encoding): the lengths of the prefixes each
/// value shares with the one before as DELTA_BINARY_PACKED, then the suffixes as
/// DELTA_LENGTH_BYTE_ARRAY.
struct DeltaByteArrayDecoder {
    private var prefixes: DeltaBinaryPackedDecoder
    private var suffixes: DeltaLengthByteArrayDecoder
    private var previous: [UInt8] = []
    private var scratch: [Int64] = []

    /// A decoder of the values in `start ..< end` of the page buffer.
    init(_ p: UnsafeRawBufferPointer, start: Int, end: Int) throws(ParquetDecodeError) {
        prefixes = try DeltaBinaryPackedDecoder(p, start: start, end: end, bits: 32)
        var scan = prefixes
        let suffixStart = try scan.skipToEnd(p)
        suffixes = try DeltaLengthByteArrayDecoder(p, start: suffixStart, end: end)
        guard suffixes.totalCount == prefixes.totalCount else {
            throw ParquetDecodeError("DELTA_BYTE_ARRAY has \(prefixes.totalCount) prefix lengths but \(suffixes.totalCount) suffixes")
        }
    }

    /// Calls `body` with each of the next `count` values.
    @inline(__always)
    mutating func forEach(_ count: Int, _ p: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        scratch.removeAll(keepingCapacity: true)
        try prefixes.read(count, p, into: &scratch)
        var index = 0
        let prefixLengths = scratch
        // Moved out so the closure does not touch `self` while `suffixes` is being read.
        var previous = self.previous
        self.previous = []
        defer { self.previous = previous }
        try suffixes.forEach(count, p) { suffix in
            let prefix = Int(Int32(truncatingIfNeeded: prefixLengths[index]))
            index += 1
            guard prefix >= 0, prefix <= previous.count else {
                throw ParquetDecodeError("a prefix length of \(prefix) is longer than the previous value (\(previous.count) bytes)")
            }
            previous.removeSubrange(prefix...)
            previous.append(contentsOf: suffix)
            try previous.withUnsafeBytes { try body($0) }
        }
    }

    /// Reads `count` values.
    mutating func read(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout ParquetPhysicalValues) throws {
        try forEach(count, p) { out.appendBytes($0) }
    }
}
