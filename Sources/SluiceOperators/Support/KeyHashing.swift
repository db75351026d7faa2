import SluiceCore

/// The pieces every key hash of the spilling operators is built from: the same mixing, the
/// same byte hash and the same tags, so that dedupe, aggregate and join partition keys alike
/// wherever their key equality agrees. Each operator decides what is one key (see
/// ``GroupKeyHash`` and ``JoinPartitioner``); these only turn a decided key into bits.
///
/// Hashes are for one process's spill files: they are never stored, so they may change.
enum KeyHashing {
    static let nullHash: UInt64 = 0x243F_6A88_85A3_08D3
    static let falseHash: UInt64 = 0x1319_8A2E_0370_7344
    static let trueHash: UInt64 = 0xA409_3822_299F_31D0
    private static let fractionTag: UInt64 = 0x082E_FA98_EC4E_6C89
    private static let textTag: UInt64 = 0x4528_21E6_38D0_1377
    private static let otherTag: UInt64 = 0xBE54_66CF_34E9_0C6C

    /// An integer key.
    @inline(__always)
    static func integer(_ i: Int) -> UInt64 { mix(UInt64(bitPattern: Int64(i))) }

    /// A double key that is not an integer, by its bits (callers pass one NaN for all).
    @inline(__always)
    static func fraction(bits: UInt64) -> UInt64 { mix(bits ^ fractionTag) }

    /// A text key by its UTF-8 bytes, eight bytes per step.
    @inline(__always)
    static func bytes(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = textTag ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
        var i = 0
        while i + 8 <= bytes.count {
            h = mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h ^ tail)
    }

    /// A text key held as a `String`.
    static func text(_ string: String) -> UInt64 {
        var s = string
        return s.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }

    /// A timestamp, array or object key, by `Value`'s own hashing (which the operators'
    /// `[Value: Int32]` tables rely on too).
    static func other(_ value: Value) -> UInt64 {
        var hasher = Hasher()
        value.hash(into: &hasher)
        return mix(UInt64(UInt(bitPattern: hasher.finalize())) ^ otherTag)
    }

    /// The murmur3 finalizer: every input bit affects every output bit.
    @inline(__always)
    static func mix(_ key: UInt64) -> UInt64 {
        var x = key
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b3fe_1a85_ec53
        x ^= x >> 33
        return x
    }
}
