// bzip2 block decoding, written from scratch for Sluice: no Swift package reads bzip2. A block
// is Huffman-coded (up to 6 tables switched every 50 symbols) move-to-front indices with
// zero runs, over the Burrows–Wheeler transform of run-length-encoded bytes.

/// One decoded block: the inverse-BWT vector, from which bytes are produced on demand.
struct Bzip2Block {
    private var vector: [UInt32]
    private var position: Int
    private var remaining: Int
    private var lastByte = -1
    private var runLength = 0
    private var repeatsLeft = 0
    private var crc: UInt32 = 0xFFFF_FFFF
    let expectedCRC: UInt32
    /// The block's offset in the compressed stream, for errors.
    let offset: Int

    var isDone: Bool { remaining == 0 && repeatsLeft == 0 }
    var computedCRC: UInt32 { ~crc }

    static let crcTable: [UInt32] = (0..<256).map { i in
        var c = UInt32(i) << 24
        for _ in 0..<8 { c = c & 0x8000_0000 != 0 ? (c << 1) ^ 0x04C1_1DB7 : c << 1 }
        return c
    }

    /// Decodes the block whose header (after the magic) starts at `reader.position`.
    init(_ reader: inout Bzip2BitReader, maxSize: Int, offset: Int) throws {
        self.offset = offset
        func corrupt(_ what: String) -> CodecError { CodecError("bzip2: \(what) in the block at byte \(offset)") }
        expectedCRC = UInt32(truncatingIfNeeded: try reader.read(32))
        guard try reader.bit() == 0 else { throw corrupt("randomized block (unsupported)") }
        let origin = try reader.read(24)
        // Symbols in use.
        let groupsUsed = try reader.read(16)
        var alphabet: [UInt8] = []
        for group in 0..<16 where groupsUsed & (0x8000 >> group) != 0 {
            let used = try reader.read(16)
            for j in 0..<16 where used & (0x8000 >> j) != 0 { alphabet.append(UInt8(group * 16 + j)) }
        }
        guard !alphabet.isEmpty else { throw corrupt("no symbols in use") }
        let alphaSize = alphabet.count + 2
        let tableCount = try reader.read(3)
        guard (2...6).contains(tableCount) else { throw corrupt("\(tableCount) Huffman tables") }
        let selectorCount = try reader.read(15)
        guard selectorCount >= 1 else { throw corrupt("no selectors") }
        var order = Array(0..<tableCount)
        var selectors = [Int](repeating: 0, count: selectorCount)
        for s in 0..<selectorCount {
            var j = 0
            while try reader.bit() == 1 {
                j += 1
                guard j < tableCount else { throw corrupt("selector out of range") }
            }
            let table = order[j]
            order.remove(at: j)
            order.insert(table, at: 0)
            selectors[s] = table
        }
        var tables: [Bzip2Huffman] = []
        for _ in 0..<tableCount {
            var length = try reader.read(5)
            var lengths = [Int](repeating: 0, count: alphaSize)
            for symbol in 0..<alphaSize {
                while true {
                    guard (1...20).contains(length) else { throw corrupt("code length \(length)") }
                    if try reader.bit() == 0 { break }
                    length += try reader.bit() == 0 ? 1 : -1
                }
                lengths[symbol] = length
            }
            tables.append(Bzip2Huffman(lengths: lengths))
        }
        // Move-to-front indices with RUNA/RUNB zero runs, into the BWT vector's low bytes.
        var vector = [UInt32](repeating: 0, count: maxSize)
        var counts = [Int](repeating: 0, count: 256)
        var mtf = (0..<alphabet.count).map { UInt8(truncatingIfNeeded: $0) }
        let endOfBlock = alphabet.count + 1
        var size = 0
        var selector = -1
        var groupLeft = 0
        func nextSymbol() throws -> Int {
            if groupLeft == 0 {
                selector += 1
                guard selector < selectorCount else { throw corrupt("more symbols than selectors") }
                groupLeft = 50
            }
            groupLeft -= 1
            guard let symbol = try tables[selectors[selector]].decode(&reader) else { throw corrupt("invalid Huffman code") }
            return symbol
        }
        var symbol = try nextSymbol()
        while symbol != endOfBlock {
            if symbol <= 1 {
                var run = 0
                var weight = 1
                while symbol <= 1 {
                    run += symbol == 0 ? weight : 2 * weight
                    weight <<= 1
                    guard weight <= 1 << 21 else { throw corrupt("zero run too long") }
                    symbol = try nextSymbol()
                }
                let byte = alphabet[Int(mtf[0])]
                guard run <= maxSize - size else { throw corrupt("block larger than \(maxSize) bytes") }
                for k in size..<(size + run) { vector[k] = UInt32(byte) }
                size += run
                counts[Int(byte)] += run
                continue
            }
            let index = symbol - 1
            guard index < alphabet.count else { throw corrupt("move-to-front index out of range") }
            let value = mtf[index]
            var k = index
            while k > 0 {
                mtf[k] = mtf[k - 1]
                k -= 1
            }
            mtf[0] = value
            let byte = alphabet[Int(value)]
            guard size < maxSize else { throw corrupt("block larger than \(maxSize) bytes") }
            vector[size] = UInt32(byte)
            size += 1
            counts[Int(byte)] += 1
            symbol = try nextSymbol()
        }
        guard origin < size else { throw corrupt("BWT origin \(origin) beyond the block's \(size) bytes") }
        // Inverse BWT: link each position to the next in the original order.
        var start = [Int](repeating: 0, count: 256)
        var total = 0
        for b in 0..<256 {
            start[b] = total
            total += counts[b]
        }
        vector.withUnsafeMutableBufferPointer { v in
            for i in 0..<size {
                let b = Int(v[i] & 0xFF)
                v[start[b]] |= UInt32(i) << 8
                start[b] += 1
            }
        }
        self.vector = vector
        position = Int(vector[origin] >> 8)
        remaining = size
    }

    /// Appends up to `limit` bytes of the block's output (undoing the initial run-length
    /// encoding); returns how many.
    mutating func emit(into output: inout [UInt8], limit: Int) -> Int {
        var emitted = 0
        let table = Self.crcTable
        @inline(__always) func put(_ byte: UInt8) {
            output.append(byte)
            crc = (crc << 8) ^ table[Int((crc >> 24) ^ UInt32(byte))]
            emitted += 1
        }
        while emitted < limit {
            if repeatsLeft > 0 {
                put(UInt8(truncatingIfNeeded: lastByte))
                repeatsLeft -= 1
                continue
            }
            guard remaining > 0 else { break }
            let entry = vector[position]
            let byte = Int(entry & 0xFF)
            position = Int(entry >> 8)
            remaining -= 1
            if runLength == 4 {
                repeatsLeft = byte
                runLength = 0
                continue
            }
            if byte == lastByte {
                runLength += 1
            } else {
                runLength = 1
            }
            put(UInt8(byte))
            lastByte = byte
            if runLength == 4 && remaining == 0 { runLength = 0 }
        }
        return emitted
    }
}
