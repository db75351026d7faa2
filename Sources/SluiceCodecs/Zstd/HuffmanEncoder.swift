// Huffman compression of zstd literals (RFC 8878 §4.2), written from scratch for Sluice:
// length-limited codes (11 bits), the direct weight representation, one or four streams.

/// Compresses a block's literals section with a Huffman code when that is smaller.
enum HuffmanEncoder {
    static let maxBits = 11

    /// Code lengths per byte value (0 for absent bytes), at most ``maxBits``; nil when fewer
    /// than two distinct bytes occur.
    static func codeLengths(_ frequencies: [Int]) -> [Int]? {
        var counts = frequencies
        let present = counts.indices.filter { counts[$0] > 0 }
        guard present.count >= 2 else { return nil }
        while true {
            // Two-queue Huffman construction over the leaves sorted by count.
            let leaves = present.sorted { (counts[$0], $0) < (counts[$1], $1) }
            var weight = leaves.map { counts[$0] }
            var parent = [Int](repeating: -1, count: 2 * leaves.count - 1)
            var leaf = 0
            var inner = leaves.count
            var next = leaves.count
            weight.reserveCapacity(parent.count)
            func smallest() -> Int {
                if leaf < leaves.count && (inner >= next || weight[leaf] <= weight[inner]) {
                    leaf += 1
                    return leaf - 1
                }
                inner += 1
                return inner - 1
            }
            while next < parent.count {
                let a = smallest(), b = smallest()
                weight.append(weight[a] + weight[b])
                parent[a] = next
                parent[b] = next
                next += 1
            }
            var depth = [Int](repeating: 0, count: parent.count)
            var longest = 0
            for node in stride(from: parent.count - 2, through: 0, by: -1) {
                depth[node] = depth[parent[node]] + 1
                longest = max(longest, depth[node])
            }
            if longest <= maxBits {
                var lengths = [Int](repeating: 0, count: 256)
                for (i, symbol) in leaves.enumerated() { lengths[symbol] = depth[i] }
                return lengths
            }
            for symbol in present { counts[symbol] = max(1, counts[symbol] >> 1) }
        }
    }

    /// The literals section (header included) for `literals`, Huffman-compressed, or nil when
    /// that is not smaller than storing them raw or the code cannot be described directly.
    static func section(_ literals: UnsafeRawBufferPointer) -> [UInt8]? {
        let count = literals.count
        guard count >= 64 else { return nil }
        var frequencies = [Int](repeating: 0, count: 256)
        for byte in literals { frequencies[Int(byte)] += 1 }
        guard let lengths = codeLengths(frequencies) else { return nil }
        guard let lastSymbol = lengths.lastIndex(where: { $0 > 0 }), lastSymbol <= 128 else { return nil }
        let tableBits = lengths.max() ?? 0
        // Weights, and canonical codes in the order the decoder assigns them.
        let weights = lengths.map { $0 > 0 ? tableBits + 1 - $0 : 0 }
        var codes = [Int](repeating: 0, count: 256)
        var position = 0
        for weight in 1...tableBits {
            for symbol in 0...lastSymbol where weights[symbol] == weight {
                codes[symbol] = position >> (weight - 1)
                position += 1 << (weight - 1)
            }
        }
        var description: [UInt8] = [UInt8(127 + lastSymbol)]
        var i = 0
        while i < lastSymbol {
            let high = weights[i]
            let low = i + 1 < lastSymbol ? weights[i + 1] : 0
            description.append(UInt8(high << 4 | low))
            i += 2
        }

        func stream(_ part: UnsafeRawBufferPointer) -> [UInt8] {
            var writer = ForwardBitWriter(capacity: part.count + 8)
            var k = part.count - 1
            while k >= 0 {
                let symbol = Int(part[k])
                writer.add(codes[symbol], bits: lengths[symbol])
                k -= 1
            }
            return writer.close()
        }

        var body = description
        let fourStreams = count >= 256
        if fourStreams {
            let segment = (count + 3) / 4
            var streams: [[UInt8]] = []
            for s in 0..<4 {
                let start = min(count, s * segment)
                let end = s == 3 ? count : min(count, start + segment)
                streams.append(stream(UnsafeRawBufferPointer(rebasing: literals[start..<end])))
            }
            for s in 0..<3 {
                guard streams[s].count < 65536 else { return nil }
                body.append(UInt8(truncatingIfNeeded: streams[s].count))
                body.append(UInt8(truncatingIfNeeded: streams[s].count >> 8))
            }
            for s in streams { body += s }
        } else {
            body += stream(literals)
        }
        let compressed = body.count
        var header: [UInt8]
        let largest = max(count, compressed)
        if !fourStreams {
            guard largest < 1024 else { return nil }
            header = littleEndian(2 | 0 << 2 | count << 4 | compressed << 14, 3)
        } else if largest < 1024 {
            header = littleEndian(2 | 1 << 2 | count << 4 | compressed << 14, 3)
        } else if largest < 16384 {
            header = littleEndian(2 | 2 << 2 | count << 4 | compressed << 18, 4)
        } else {
            guard largest < 262_144 else { return nil }
            header = littleEndian(2 | 3 << 2 | count << 4 | compressed << 22, 5)
        }
        let rawSize = count + (count < 32 ? 1 : count < 4096 ? 2 : 3)
        guard header.count + compressed < rawSize - rawSize / 64 else { return nil }
        return header + body
    }

    private static func littleEndian(_ value: Int, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
