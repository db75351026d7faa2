import SluiceCore

/// One order key's values as unsigned integers of `bits` bits that order rows as the key
/// does: direction applied, nulls first or last, and the span narrowed to the values held.
struct KeyField {
    /// Per row, less than `1 << bits`.
    var values: [UInt64]
    /// 0 when every row compares equal.
    var bits: Int

    /// The field (or, when the values need all 64 bits and there are nulls, a null flag and
    /// the values) of one order key's column.
    ///
    /// Values map to words in their type's order: ints with the sign bit flipped, doubles by
    /// their IEEE order (-0 as 0, NaN above infinity, as DuckDB orders them), booleans as
    /// 0/1, timestamps by their microseconds, and text by its rank among the column's distinct
    /// values in byte order (within its partition). Descending keys invert the words. Only `[Value]` columns mixing
    /// kinds (ordered by kind: booleans, numbers, text, timestamps, arrays, objects) are
    /// ranked by comparing cells.
    static func fields(_ column: Column, order: WindowOrder, layout: PartitionLayout) -> [KeyField] {
        var (words, isNull) = KeyWords.words(column, layout: layout)
        if order.descending {
            words.withUnsafeMutableBufferPointer { w in
                for i in 0..<w.count { w[i] = ~w[i] }
            }
        }
        return narrowed(&words, isNull: isNull, nullsFirst: order.nullsFirst)
    }

    /// Subtracts the smallest present word and places nulls below or above the rest, in place.
    private static func narrowed(_ words: inout [UInt64], isNull: [Bool]?, nullsFirst: Bool) -> [KeyField] {
        var low = UInt64.max
        var high = UInt64.min
        var nulls = 0
        words.withUnsafeBufferPointer { w in
            for i in 0..<w.count {
                if let isNull, isNull[i] {
                    nulls += 1
                    continue
                }
                low = Swift.min(low, w[i])
                high = Swift.max(high, w[i])
            }
        }
        guard nulls < words.count else { return [] }
        let span = high - low
        guard nulls > 0, let isNull else {
            words.withUnsafeMutableBufferPointer { w in
                for i in 0..<w.count { w[i] &-= low }
            }
            return [KeyField(values: words, bits: bitWidth(span))]
        }
        guard span < UInt64.max else {
            // No spare value for nulls: a separate flag orders them first.
            let flags = isNull.map { ($0 == nullsFirst) ? UInt64(0) : 1 }
            words.withUnsafeMutableBufferPointer { w in
                for i in 0..<w.count where isNull[i] { w[i] = 0 }
            }
            return [KeyField(values: flags, bits: 1), KeyField(values: words, bits: 64)]
        }
        let nullValue = nullsFirst ? 0 : span + 1
        let shift: UInt64 = nullsFirst ? 1 : 0
        words.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count { w[i] = isNull[i] ? nullValue : (w[i] &- low) + shift }
        }
        return [KeyField(values: words, bits: bitWidth(span + 1))]
    }

    private static func bitWidth(_ x: UInt64) -> Int {
        x == 0 ? 0 : 64 - x.leadingZeroBitCount
    }
}
