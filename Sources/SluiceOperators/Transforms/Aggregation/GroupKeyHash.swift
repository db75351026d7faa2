import SluiceCore

/// A hash of key values that agrees wherever ``GroupKeyDictionary`` sees one key (the table
/// behind group-by, dedupe and window partitions), so a key lands in the same spill partition
/// every time, whichever of its equal forms or column layouts it comes in.
///
/// As the dictionary has it: null, absent and a missing field are one key; ints and doubles
/// with an integral value below 9.2e18 in magnitude are one key by their integer value (`1`
/// and `1.0`, `0` and `-0.0`); other doubles are keyed by their bits (every NaN as one);
/// text by its UTF-8 bytes, whether stored as text or as values; booleans apart from numbers;
/// timestamps, arrays and objects by `Value`'s own hash.
enum GroupKeyHash {
    /// The hash of the key `values` (one per key field).
    static func hash(_ values: [Value]) -> UInt64 {
        var h = KeyHashing.nullHash
        for value in values { h = KeyHashing.mix(h &* 0x9E37_79B9_7F4A_7C15 ^ hash(value)) }
        return h
    }

    /// The hash of row `row` of `column` as a key value (`nil`: the batch lacks the field).
    @inline(__always)
    static func hash(_ column: Column?, row: Int) -> UInt64 {
        guard let column, column.isPresent(row) else { return KeyHashing.nullHash }
        switch column.storage {
        case .ints(let a): return KeyHashing.integer(a[row])
        case .doubles(let a): return double(a[row])
        case .bools(let a): return a[row] ? KeyHashing.trueHash : KeyHashing.falseHash
        case .text(let t): return t.withBytes(at: row) { KeyHashing.bytes($0) }
        case .dictionary(let d): return d.dictionary.withBytes(at: d.code(at: row)) { KeyHashing.bytes($0) }
        case .values(let a): return hash(a[row])
        }
    }

    /// The hash of one key value.
    static func hash(_ value: Value) -> UInt64 {
        switch value {
        case .null: return KeyHashing.nullHash
        case .bool(let b): return b ? KeyHashing.trueHash : KeyHashing.falseHash
        case .int(let i): return KeyHashing.integer(i)
        case .double(let d): return double(d)
        case .string(let s): return KeyHashing.text(s)
        case .timestamp, .array, .object: return KeyHashing.other(value)
        }
    }

    /// As the dictionary's `doubleKey`: integral values in range meet the integers.
    @inline(__always)
    private static func double(_ d: Double) -> UInt64 {
        if d.rounded() == d, d.magnitude < 9.2e18 { return KeyHashing.integer(Int(Int64(d))) }
        return KeyHashing.fraction(bits: d.isNaN ? Double.nan.bitPattern : d.bitPattern)
    }
}
