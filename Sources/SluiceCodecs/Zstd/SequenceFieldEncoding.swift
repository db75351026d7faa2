// Per-block FSE tables for zstd compression (RFC 8878 §4.1.1): normalizing symbol counts to
// a power of two and writing the table description, written from scratch for Sluice.

/// How one sequence field (literal lengths, offsets, match lengths) is coded in a block.
struct SequenceFieldEncoding {
    /// The mode bits: 0 predefined, 1 RLE, 2 FSE table in the block.
    var mode: Int
    /// The table description (FSE) or the single code (RLE); empty for predefined.
    var description: [UInt8]
    /// The encoding table; nil in RLE mode, where no bits are written.
    var table: FSEEncodingTable?

    /// Picks the cheapest coding for `codes` of `field`, given its predefined table.
    static func choose(_ codes: [UInt8], field: SequenceField, predefined: FSEEncodingTable) -> SequenceFieldEncoding {
        var counts = [Int](repeating: 0, count: field.maxSymbol + 1)
        for code in codes { counts[Int(code)] += 1 }
        let used = counts.indices.filter { counts[$0] > 0 }
        if used.count == 1 && codes.count > 1 {
            return SequenceFieldEncoding(mode: 1, description: [UInt8(used[0])], table: nil)
        }
        let fallback = SequenceFieldEncoding(mode: 0, description: [], table: predefined)
        let (predefinedCounts, predefinedLog) = field.predefined
        guard let last = used.last, last < predefinedCounts.count else { return custom(counts, field: field, codes: codes.count)?.encoding ?? fallback }
        var predefinedCost = 0.0
        for symbol in used {
            let probability = max(1, Int(predefinedCounts[symbol]))
            predefinedCost += Double(counts[symbol]) * (Double(predefinedLog) - log2(Double(probability)))
        }
        guard codes.count >= 16, let own = custom(counts, field: field, codes: codes.count) else { return fallback }
        var ownCost = Double(own.encoding.description.count * 8)
        let ownLog = Double(own.table?.log ?? 0)
        for symbol in used {
            let bits = ownLog - log2(Double(own.normalized[symbol]))
            ownCost += Double(counts[symbol]) * bits
        }
        return ownCost < predefinedCost ? own.encoding : fallback
    }

    private static func log2(_ x: Double) -> Double { x.log2() }

    private static func highBit(_ value: Int) -> Int { Int.bitWidth - 1 - value.leadingZeroBitCount }

    /// A table built for these counts.
    private static func custom(_ counts: [Int], field: SequenceField, codes total: Int)
        -> (encoding: SequenceFieldEncoding, normalized: [Int], table: FSEEncodingTable?)?
    {
        guard total >= 2, let last = counts.lastIndex(where: { $0 > 0 }) else { return nil }
        var log = min(field.maxLog, highBit(total - 1) - 2)
        log = max(log, min(highBit(total) + 1, highBit(max(last, 1)) + 2))
        log = min(max(log, 5), field.maxLog)
        let size = 1 << log
        let used = counts.indices.filter { counts[$0] > 0 }
        guard used.count <= size / 2 else { return nil }
        var normalized = [Int](repeating: 0, count: last + 1)
        var sum = 0
        for symbol in used {
            normalized[symbol] = max(1, (counts[symbol] * size + total / 2) / total)
            sum += normalized[symbol]
        }
        while sum > size {
            guard let largest = used.max(by: { normalized[$0] < normalized[$1] }), normalized[largest] > 1 else { return nil }
            normalized[largest] -= 1
            sum -= 1
        }
        if sum < size, let largest = used.max(by: { counts[$0] < counts[$1] }) { normalized[largest] += size - sum }
        let counts16 = normalized.map { Int16($0) }
        let table = FSEEncodingTable(counts: counts16, log: log)
        let encoding = SequenceFieldEncoding(mode: 2, description: describe(counts16, log: log), table: table)
        return (encoding, normalized, table)
    }

    /// The FSE table description of `normalized` counts, as ``FSE/readCounts`` reads it.
    static func describe(_ normalized: [Int16], log: Int) -> [UInt8] {
        var writer = ForwardBitWriter(capacity: 64)
        writer.add(log - 5, bits: 4)
        var remaining = (1 << log) + 1
        var threshold = 1 << log
        var bits = log + 1
        var symbol = 0
        var previousZero = false
        while symbol < normalized.count && remaining > 1 {
            if previousZero {
                var start = symbol
                while symbol < normalized.count && normalized[symbol] == 0 { symbol += 1 }
                while symbol >= start + 3 {
                    writer.add(3, bits: 2)
                    start += 3
                }
                writer.add(symbol - start, bits: 2)
            }
            var count = Int(normalized[symbol])
            symbol += 1
            let maxValue = (2 * threshold - 1) - remaining
            remaining -= abs(count)
            count += 1
            if count >= threshold { count += maxValue }
            writer.add(count, bits: count < maxValue ? bits - 1 : bits)
            previousZero = count == 1
            while remaining < threshold {
                bits -= 1
                threshold >>= 1
            }
        }
        return writer.padded()
    }
}

extension Double {
    fileprivate func log2() -> Double { Foundation_log2(self) }
}

@inline(__always)
private func Foundation_log2(_ x: Double) -> Double {
    // log2 without Foundation: exponent plus a short series on the mantissa is plenty for
    // a cost estimate.
    let exponent = Double(x.exponent)
    let m = x.significand  // in [1, 2)
    let y = (m - 1) / (m + 1)
    let y2 = y * y
    let ln = 2 * y * (1 + y2 / 3 + y2 * y2 / 5 + y2 * y2 * y2 / 7)
    return exponent + ln / 0.6931471805599453
}
