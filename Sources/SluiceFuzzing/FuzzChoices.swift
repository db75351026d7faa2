/// Choices (options, chunk sizes) taken bit by bit from the first bytes of a fuzz input, so
/// the fuzzer explores them along with the data and a saved input replays exactly.
///
/// Bits are read from the least significant end of each byte; a missing byte reads as 0, so
/// every input, even an empty one, gives a full set of choices.
public struct FuzzChoices: Sendable {
    private let bytes: [UInt8]
    private var bit = 0

    /// Choices read from `bytes`, front to back.
    public init(_ bytes: some Sequence<UInt8>) {
        self.bytes = Array(bytes)
    }

    /// The next `count` bits (at most 32) as a number.
    public mutating func bits(_ count: Int) -> Int {
        var value = 0
        for k in 0..<min(count, 32) {
            let byteIndex = bit / 8
            let byte = byteIndex < bytes.count ? bytes[byteIndex] : 0
            value |= Int((byte >> UInt8(bit % 8)) & 1) << k
            bit += 1
        }
        return value
    }

    /// One of `options` (which must not be empty), chosen by as few bits as can number them.
    public mutating func pick<T>(_ options: [T]) -> T {
        var width = 0
        while (1 << width) < options.count { width += 1 }
        return options[bits(width) % options.count]
    }

    /// Whether the next bit is set.
    public mutating func flag() -> Bool { bits(1) == 1 }
}

/// Cuts `count` bytes into consecutive pieces whose sizes cycle through `sizes` (each taken
/// as at least 1), as a reader with irregular reads would hand them over.
public func fuzzPieces(count: Int, sizes: [Int]) -> [Range<Int>] {
    let steps = sizes.isEmpty ? [max(1, count)] : sizes.map { max(1, $0) }
    var ranges: [Range<Int>] = []
    var start = 0
    var k = 0
    while start < count {
        let end = min(count, start + steps[k % steps.count])
        ranges.append(start..<end)
        start = end
        k += 1
    }
    return ranges
}
