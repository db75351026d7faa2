// bzip2 Huffman decoding tables, written from scratch for Sluice.

/// A bzip2 Huffman table (canonical codes of 1–20 bits), decoded bit by bit.
struct Bzip2Huffman {
    private var limit = [Int](repeating: -1, count: 22)
    private var base = [Int](repeating: 0, count: 22)
    private var symbols: [Int] = []
    private var minLength = 20

    init(lengths: [Int]) {
        minLength = lengths.min() ?? 1
        let maxLength = lengths.max() ?? 1
        for length in minLength...maxLength {
            for (symbol, l) in lengths.enumerated() where l == length { symbols.append(symbol) }
        }
        var count = [Int](repeating: 0, count: 22)
        for l in lengths { count[l] += 1 }
        var code = 0
        var index = 0
        for length in 1...20 {
            // Codes of this length run from `code` to `code + count - 1`.
            base[length] = code - index
            limit[length] = code + count[length] - 1
            index += count[length]
            code = (code + count[length]) << 1
        }
    }

    /// The next symbol, or nil for a code that is not in the table.
    @inline(__always)
    func decode(_ reader: inout Bzip2BitReader) throws -> Int? {
        var length = minLength
        var code = try reader.read(length)
        while true {
            if code <= limit[length] {
                let index = code - base[length]
                return index >= 0 && index < symbols.count ? symbols[index] : nil
            }
            length += 1
            guard length <= 20 else { return nil }
            code = code << 1 | (try reader.bit())
        }
    }
}
