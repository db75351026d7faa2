// Written from scratch for Sluice from the Parquet format's encodings document
// (DELTA_BINARY_PACKED).

/// Streams DELTA_BINARY_PACKED integers: a header (block size, miniblocks per block, value
/// count, first value), then blocks of a minimum delta, one bit width per miniblock and the
/// bit-packed deltas. Arithmetic wraps, as the encoding's does, in 64 bits; INT32 readers
/// truncate, which gives the same result as wrapping in 32 bits.
struct DeltaBinaryPackedDecoder {
    /// The largest block size accepted (writers use 128 or 256 values).
    static let maximumBlockSize = 1 << 16

    private let end: Int
    private let maximumWidth: Int
    private let valuesPerMiniblock: Int
    private let miniblocks: Int
    /// Values the header says the stream holds, and how many are still to come.
    let totalCount: Int
    private var remaining: Int
    /// The next block header (or miniblock data) to read.
    private var position: Int
    private var last: Int64 = 0
    private var firstPending = true
    // The current block:
    private var minDelta: Int64 = 0
    private var widthsStart = 0
    private var miniblock = 0
    private var inMiniblock = 0
    private var miniblockBit = 0
    private var blockOpen = false

    /// A decoder of the stream at `start` of the page buffer; `bits` is 32 or 64.
    init(_ p: UnsafeRawBufferPointer, start: Int, end: Int, bits: Int) throws(ParquetDecodeError) {
        var position = start
        let blockSize = try BitReading.varint(p, &position, end: end)
        let miniblocks = try BitReading.varint(p, &position, end: end)
        let count = try BitReading.varint(p, &position, end: end)
        let first = try BitReading.zigzag(p, &position, end: end)
        guard blockSize > 0, blockSize <= UInt64(Self.maximumBlockSize), blockSize % 8 == 0 else {
            throw ParquetDecodeError("DELTA_BINARY_PACKED block size \(blockSize) is not a multiple of 8 up to \(Self.maximumBlockSize)")
        }
        guard miniblocks > 0, miniblocks <= blockSize, blockSize % miniblocks == 0, (blockSize / miniblocks) % 8 == 0 else {
            throw ParquetDecodeError("DELTA_BINARY_PACKED block of \(blockSize) values cannot hold \(miniblocks) miniblocks")
        }
        guard count <= UInt64(Int32.max) else { throw ParquetDecodeError("DELTA_BINARY_PACKED value count \(count) is out of range") }
        self.end = end
        self.maximumWidth = bits
        self.miniblocks = Int(miniblocks)
        self.valuesPerMiniblock = Int(blockSize / miniblocks)
        self.totalCount = Int(count)
        self.remaining = Int(count)
        self.position = position
        self.last = first
    }

    /// Values not read yet.
    var valuesLeft: Int { remaining }

    /// Opens the next block, or the next miniblock of the current one.
    private mutating func advanceMiniblock(_ p: UnsafeRawBufferPointer) throws(ParquetDecodeError) {
        if blockOpen, miniblock + 1 < miniblocks {
            miniblock += 1
        } else {
            minDelta = try BitReading.zigzag(p, &position, end: end)
            guard end - position >= miniblocks else { throw ParquetDecodeError("the data ends inside a block's miniblock bit widths") }
            widthsStart = position
            position += miniblocks
            miniblock = 0
            blockOpen = true
        }
        let width = Int(p[widthsStart + miniblock])
        guard width <= maximumWidth else {
            throw ParquetDecodeError("a miniblock bit width of \(width) exceeds \(maximumWidth)")
        }
        // The data of a miniblock that holds values is always whole (padded).
        let bytes = valuesPerMiniblock * width / 8
        guard end - position >= bytes else { throw ParquetDecodeError("the data ends inside a miniblock") }
        miniblockBit = position * 8
        position += bytes
        inMiniblock = valuesPerMiniblock
    }

    /// Reads `count` values.
    mutating func read(_ count: Int, _ p: UnsafeRawBufferPointer, into out: inout [Int64]) throws(ParquetDecodeError) {
        try read(count, p) { out.append($0) }
    }

    /// Reads `count` values into Sluice integers, truncated to 32 bits first when `bits32`.
    mutating func read(_ count: Int, _ p: UnsafeRawBufferPointer, bits32: Bool, into out: inout [Int]) throws(ParquetDecodeError) {
        if bits32 {
            try read(count, p) { out.append(Int(Int32(truncatingIfNeeded: $0))) }
        } else {
            try read(count, p) { out.append(Int($0)) }
        }
    }

    @inline(__always)
    private mutating func read(_ count: Int, _ p: UnsafeRawBufferPointer, _ emit: (Int64) -> Void) throws(ParquetDecodeError) {
        guard count <= remaining else {
            throw ParquetDecodeError("DELTA_BINARY_PACKED data holds \(remaining) more values, \(count) were needed")
        }
        var done = 0
        if count > 0, firstPending {
            emit(last)
            firstPending = false
            remaining -= 1
            done = 1
        }
        while done < count {
            if inMiniblock == 0 { try advanceMiniblock(p) }
            let width = Int(p[widthsStart + miniblock])
            let n = min(inMiniblock, count - done)
            let start = valuesPerMiniblock - inMiniblock
            var bit = miniblockBit + start * width
            var value = last
            for _ in 0..<n {
                let delta = BitReading.bits(p, bitOffset: bit, width: width)
                value = value &+ minDelta &+ Int64(bitPattern: delta)
                emit(value)
                bit += width
            }
            last = value
            inMiniblock -= n
            remaining -= n
            done += n
        }
    }

    /// Skips every remaining value and returns the offset just past the stream's end (where
    /// the data of DELTA_LENGTH_BYTE_ARRAY begins).
    mutating func skipToEnd(_ p: UnsafeRawBufferPointer) throws(ParquetDecodeError) -> Int {
        if remaining > 0, firstPending {
            firstPending = false
            remaining -= 1
        }
        while remaining > 0 {
            if inMiniblock == 0 { try advanceMiniblock(p) }
            let n = min(inMiniblock, remaining)
            inMiniblock -= n
            remaining -= n
        }
        return position
    }
}
