import SluiceCore

/// A hash of group-key values that agrees wherever ``GroupKeyDictionary`` sees one key, so a
/// group lands in the same spill partition every time it is spilled, whichever of its
/// equal-keyed forms the state kept.
///
/// As the dictionary has it: null is one key; ints and doubles with an integral value below
/// 9.2e18 are one key by their integer value (`1` and `1.0`, `0` and `-0.0`); other doubles
/// are keyed by their bits (every NaN as one); text by its bytes; timestamps, arrays and
/// objects by `Value`'s own hash (the dictionary compares them as `Value`s). The hash does
/// not vary between runs of one process, which is all a spill needs.
enum GroupKeyHash {
    /// The hash of the key `values` (one per group-by field).
    static func hash(_ values: [Value]) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for value in values { h = mix(h &* 0x9E37_79B9_7F4A_7C15 ^ hash(value)) }
        return h
    }

    /// The hash of one key value.
    static func hash(_ value: Value) -> UInt64 {
        switch value {
        case .null: return 0x51
        case .bool(let b): return b ? 0x53 : 0x52
        case .int(let i): return integer(i)
        case .double(let d):
            if d.rounded() == d, d.magnitude < 9.2e18 { return integer(Int(d)) }
            return mix((d.isNaN ? Double.nan.bitPattern : d.bitPattern) ^ 0x6A09_E667_F3BC_C908)
        case .string(var s):
            return s.withUTF8 { bytes in
                var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
                for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                return mix(h)
            }
        case .timestamp, .array, .object:
            return mix(UInt64(UInt(bitPattern: value.hashValue)) ^ 0xBB67_AE85_84CA_A73B)
        }
    }

    private static func integer(_ i: Int) -> UInt64 { mix(UInt64(UInt(bitPattern: i))) }

    /// The murmur3 finalizer: every input bit affects every output bit.
    private static func mix(_ key: UInt64) -> UInt64 {
        var x = key
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b3fe_1a85_ec53
        x ^= x >> 33
        return x
    }
}
