/// Reads the definition or repetition levels of a data page: nothing when the column's
/// maximum level is 0, the RLE hybrid (the usual case), or the deprecated BIT_PACKED
/// encoding of old writers (most significant bit first, no runs).
struct LevelDecoder {
    private enum Kind {
        case zero
        case rle(RLEHybridDecoder)
        case bitPacked(bit: Int, end: Int)
    }

    private var kind: Kind
    private let bitWidth: Int
    /// The largest level allowed; a larger one is an error.
    let maximum: UInt8

    /// A decoder for a column whose levels never exceed 0.
    static let none = LevelDecoder(kind: .zero, bitWidth: 0, maximum: 0)

    private init(kind: Kind, bitWidth: Int, maximum: UInt8) {
        self.kind = kind
        self.bitWidth = bitWidth
        self.maximum = maximum
    }

    /// RLE-hybrid levels in `start ..< end`.
    static func rle(maximum: UInt8, start: Int, end: Int) throws(ParquetDecodeError) -> LevelDecoder {
        let width = BitReading.bitWidth(of: Int(maximum))
        return LevelDecoder(kind: .rle(try RLEHybridDecoder(bitWidth: width, start: start, end: end)), bitWidth: width, maximum: maximum)
    }

    /// BIT_PACKED levels starting at `start`, `count` of them: returns the decoder and the
    /// end of their bytes.
    static func bitPacked(maximum: UInt8, count: Int, start: Int, end: Int) throws(ParquetDecodeError) -> (LevelDecoder, Int) {
        let width = BitReading.bitWidth(of: Int(maximum))
        let (bits, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, (bits + 7) / 8 <= end - start else {
            throw ParquetDecodeError("\(count) bit-packed levels need more bytes than the page's \(end - start)")
        }
        let stop = start + (bits + 7) / 8
        return (LevelDecoder(kind: .bitPacked(bit: start * 8, end: stop), bitWidth: width, maximum: maximum), stop)
    }

    /// Reads `count` levels into `out`, checking each against the maximum.
    mutating func read(_ count: Int, _ p: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) throws(ParquetDecodeError) {
        switch kind {
        case .zero:
            out.update(repeating: 0, count: count)
            return
        case .rle(var decoder):
            kind = .zero
            defer { kind = .rle(decoder) }
            try decoder.read(count, p, into: out)
        case .bitPacked(var bit, let end):
            guard count * bitWidth <= end * 8 - bit else { throw ParquetDecodeError("the bit-packed levels end early") }
            for i in 0..<count {
                // Most significant bit first: read bit by bit.
                var value: UInt8 = 0
                for _ in 0..<bitWidth {
                    let byte = p[bit >> 3]
                    value = value << 1 | (byte >> UInt8(7 - bit & 7)) & 1
                    bit += 1
                }
                out[i] = value
            }
            kind = .bitPacked(bit: bit, end: end)
        }
        var bad: UInt8 = 0
        for i in 0..<count where out[i] > maximum { bad = out[i] }
        if bad > maximum { throw ParquetDecodeError("a level of \(bad) exceeds the column's maximum of \(maximum)") }
    }
}
