// Huffman literal decoding for zstd (RFC 8878 §4.2), written from scratch for Sluice.

/// A Huffman decoding table: indexed by the next `maxBits` bits, each cell holds the symbol
/// (low byte) and its code length (high byte).
struct HuffmanTable: Sendable {
    static let maxBitsLimit = 11
    var maxBits: Int
    var cells: [UInt16]

    /// Reads a Huffman tree description at the start of `input`; returns the table and the
    /// bytes the description took.
    static func read(_ input: UnsafeRawBufferPointer) throws -> (table: HuffmanTable, size: Int) {
        guard !input.isEmpty else { throw CodecError("zstd: missing Huffman tree description") }
        let header = Int(input[0])
        var weights: [UInt8]
        let size: Int
        if header >= 128 {
            let count = header - 127
            let bytes = (count + 1) / 2
            guard 1 + bytes <= input.count else { throw CodecError("zstd: truncated Huffman weights") }
            weights = (0..<count).map { i in
                let byte = input[1 + i / 2]
                return i & 1 == 0 ? byte >> 4 : byte & 15
            }
            size = 1 + bytes
        } else {
            guard header > 0, 1 + header <= input.count else { throw CodecError("zstd: truncated FSE-compressed Huffman weights") }
            weights = try FSE.decodeWeights(UnsafeRawBufferPointer(rebasing: input[1..<(1 + header)]))
            size = 1 + header
        }
        return (try build(weights: weights), size)
    }

    /// Builds the table from the weights of all symbols but the last, whose weight is implied.
    static func build(weights given: [UInt8]) throws -> HuffmanTable {
        var weights = given
        var sum = 0
        for weight in weights {
            guard weight <= maxBitsLimit else { throw CodecError("zstd: Huffman weight \(weight) exceeds \(maxBitsLimit)") }
            if weight > 0 { sum += 1 << (Int(weight) - 1) }
        }
        guard sum > 0 else { throw CodecError("zstd: Huffman weights are all zero") }
        let maxBits = Int.bitWidth - sum.leadingZeroBitCount
        guard maxBits <= maxBitsLimit else { throw CodecError("zstd: Huffman codes longer than \(maxBitsLimit) bits") }
        let rest = (1 << maxBits) - sum
        guard rest & (rest - 1) == 0 else { throw CodecError("zstd: Huffman weights do not complete a tree") }
        weights.append(UInt8(Int.bitWidth - rest.leadingZeroBitCount))
        guard weights.count <= 256 else { throw CodecError("zstd: more than 256 Huffman symbols") }
        // Codes are assigned from the lowest weight up, so each weight's cells follow the last.
        var countPerWeight = [Int](repeating: 0, count: maxBitsLimit + 2)
        for weight in weights { countPerWeight[Int(weight)] += 1 }
        var next = [Int](repeating: 0, count: maxBitsLimit + 2)
        var position = 0
        for weight in 1...(maxBits) {
            next[weight] = position
            position += countPerWeight[weight] << (weight - 1)
        }
        var cells = [UInt16](repeating: 0, count: 1 << maxBits)
        for (symbol, weight) in weights.enumerated() where weight > 0 {
            let w = Int(weight)
            let cell = UInt16(symbol) | UInt16(maxBits + 1 - w) << 8
            let start = next[w]
            for i in start..<(start + (1 << (w - 1))) { cells[i] = cell }
            next[w] = start + (1 << (w - 1))
        }
        return HuffmanTable(maxBits: maxBits, cells: cells)
    }

    /// Decodes exactly `count` symbols of one stream into `output`; the stream must be used up.
    func decodeStream(_ stream: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutablePointer<UInt8>) throws {
        var reader = try BackwardBitReader(stream, what: "Huffman literals")
        let bits = maxBits
        try cells.withUnsafeBufferPointer { table in
            guard let cellBase = table.baseAddress else { throw CodecError("zstd: empty Huffman table") }
            var i = 0
            @inline(__always) func one() {
                let cell = cellBase[Int(truncatingIfNeeded: reader.peek(bits))]
                output[i] = UInt8(truncatingIfNeeded: cell)
                reader.skip(Int(cell >> 8))
                i += 1
            }
            while count - i >= 4 && reader.reload() == .unfinished {
                one(); one(); one(); one()
            }
            while i < count {
                reader.reload()
                one()
            }
        }
        reader.reload()
        guard reader.isFinished else { throw CodecError("zstd: Huffman literal stream does not end with its last symbol") }
    }
}
