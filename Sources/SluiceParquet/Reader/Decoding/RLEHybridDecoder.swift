// Written from scratch for Sluice from the Parquet format's encodings document
// (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid").

/// Streams values of the RLE / bit-packed hybrid encoding: definition and repetition
/// levels, dictionary indices and RLE booleans.
///
/// The decoder holds positions only; each call is given the buffer the positions refer to
/// (the page), so it never outlives the bytes it reads. A run longer than the data holds is
/// cut to the data (some writers pad the last bit-packed run short), and asking for more
/// values than the data holds is an error.
struct RLEHybridDecoder {
    /// Bits per value (0…32).
    let bitWidth: Int
    /// The next run header.
    private var position: Int
    private let end: Int
    /// Values left in the current repeated run, and its value.
    private var repeatRemaining = 0
    private var repeatValue: UInt64 = 0
    /// Values left in the current bit-packed run, and the bit offset of the next one.
    private var packedRemaining = 0
    private var packedBit = 0

    /// A decoder of the runs in `start ..< end` of the page buffer.
    init(bitWidth: Int, start: Int, end: Int) throws(ParquetDecodeError) {
        guard (0...32).contains(bitWidth) else { throw ParquetDecodeError("bit width \(bitWidth) is out of range 0…32") }
        self.bitWidth = bitWidth
        self.position = start
        self.end = end
    }

    /// Whether the data is used up (no value left in a run and no run header left).
    var atEnd: Bool { repeatRemaining == 0 && packedRemaining == 0 && position >= end }

    /// Loads the next run.
    private mutating func nextRun(_ p: UnsafeRawBufferPointer) throws(ParquetDecodeError) {
        guard position < end else { throw ParquetDecodeError("the encoded values end early (RLE/bit-packed data used up)") }
        let header = try BitReading.varint(p, &position, end: end)
        let count = header >> 1
        if header & 1 == 0 {
            let valueBytes = (bitWidth + 7) / 8
            guard end - position >= valueBytes else { throw ParquetDecodeError("the data ends inside a repeated run's value") }
            var value: UInt64 = 0
            for i in 0..<valueBytes { value |= UInt64(p[position + i]) << (8 * UInt64(i)) }
            position += valueBytes
            guard bitWidth == 32 || value >> UInt64(bitWidth) == 0 else {
                throw ParquetDecodeError("a repeated run's value \(value) does not fit \(bitWidth) bits")
            }
            repeatValue = value
            repeatRemaining = count > UInt64(Int.max) ? Int.max : Int(count)
        } else {
            // count groups of 8 values, bitWidth bytes per group.
            let available = end - position
            let groupsFit = bitWidth == 0 ? UInt64.max : UInt64(available / bitWidth)
            let groups = min(count, groupsFit, UInt64(Int.max / 8))
            var values = Int(groups) * 8
            var bytes = Int(groups) * bitWidth
            if groups < count, bitWidth > 0 {
                // A short last run: take the whole values its remaining bytes hold.
                values = available * 8 / bitWidth
                bytes = available
            }
            packedBit = position * 8
            packedRemaining = values
            position += bytes
        }
    }

    /// Reads `count` values into `out`.
    mutating func read<T: FixedWidthInteger>(
        _ count: Int, _ p: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<T>
    ) throws(ParquetDecodeError) {
        var done = 0
        while done < count {
            if repeatRemaining > 0 {
                let n = min(repeatRemaining, count - done)
                (out + done).update(repeating: T(truncatingIfNeeded: repeatValue), count: n)
                repeatRemaining -= n
                done += n
            } else if packedRemaining > 0 {
                let n = min(packedRemaining, count - done)
                let width = bitWidth
                var bit = packedBit
                for i in 0..<n {
                    out[done + i] = T(truncatingIfNeeded: BitReading.bits(p, bitOffset: bit, width: width))
                    bit += width
                }
                packedBit = bit
                packedRemaining -= n
                done += n
            } else {
                try nextRun(p)
            }
        }
    }

    /// Skips `count` values.
    mutating func skip(_ count: Int, _ p: UnsafeRawBufferPointer) throws(ParquetDecodeError) {
        var done = 0
        while done < count {
            if repeatRemaining > 0 {
                let n = min(repeatRemaining, count - done)
                repeatRemaining -= n
                done += n
            } else if packedRemaining > 0 {
                let n = min(packedRemaining, count - done)
                packedBit += n * bitWidth
                packedRemaining -= n
                done += n
            } else {
                try nextRun(p)
            }
        }
    }
}
