import SluiceCore

/// Sends each row of a spilled ``Dedupe`` to one of ``count`` partitions by a hash of its key
/// values, so that rows whose keys are equal go to the same partition and each partition can
/// be deduplicated on its own.
///
/// The hash follows the key equality of ``GroupKeyDictionary`` exactly (rows it calls one key
/// must meet): null, absent and a missing field hash alike; an integer and a double with an
/// integral value below 9.2e18 in magnitude hash as that integer (so `1`, `1.0` and `-0.0`
/// meet `1` and `0`), other doubles by their bit pattern with one NaN; text by its UTF-8
/// bytes, whether the column stores it as text or as values; booleans apart from numbers;
/// timestamps, arrays and objects by ``Value``'s own hashing, which the dictionary's
/// `[Value: Int32]` relies on too. Rows of unequal keys may share a partition; the
/// partition's ``GroupIndex`` tells them apart.
struct DedupePartitioner: Sendable {
    /// The number of partitions.
    static let count = 16

    /// Varies the hash from run to run, so crafted keys cannot pile into one partition.
    let seed: UInt64

    init(seed: UInt64) { self.seed = seed }

    /// The partition of each of `rows` rows, given the key columns (`nil` where the batch
    /// lacks a key field).
    func partitions(of keys: [Column?], rows: Int) -> [UInt8] {
        var hashes = [UInt64](repeating: seed, count: rows)
        for (field, column) in keys.enumerated() {
            let salt = UInt64(field + 1) &* 0x9E37_79B9_7F4A_7C15
            hashes.withUnsafeMutableBufferPointer { hashes in
                for row in 0..<rows {
                    hashes[row] = Self.mix((hashes[row] &+ salt) ^ Self.hash(column, row: row))
                }
            }
        }
        return hashes.map { UInt8(truncatingIfNeeded: Self.mix($0) % UInt64(Self.count)) }
    }

    /// The hash of row `row` of `column` as a key value.
    @inline(__always)
    static func hash(_ column: Column?, row: Int) -> UInt64 {
        guard let column, column.isPresent(row) else { return nullHash }
        switch column.storage {
        case .ints(let a): return integerHash(a[row])
        case .doubles(let a): return doubleHash(a[row])
        case .bools(let a): return a[row] ? trueHash : falseHash
        case .text(let t): return t.withBytes(at: row) { bytesHash($0) }
        case .values(let a): return valueHash(a[row])
        }
    }

    /// The hash of a key value held as a ``Value``.
    static func valueHash(_ value: Value) -> UInt64 {
        switch value {
        case .null: return nullHash
        case .bool(let b): return b ? trueHash : falseHash
        case .int(let i): return integerHash(i)
        case .double(let d): return doubleHash(d)
        case .string(var s): return s.withUTF8 { bytesHash(UnsafeRawBufferPointer($0)) }
        case .timestamp, .array, .object:
            var hasher = Hasher()
            value.hash(into: &hasher)
            return mix(UInt64(UInt(bitPattern: hasher.finalize())) ^ otherTag)
        }
    }

    private static let nullHash: UInt64 = 0x243F_6A88_85A3_08D3
    private static let falseHash: UInt64 = 0x1319_8A2E_0370_7344
    private static let trueHash: UInt64 = 0xA409_3822_299F_31D0
    private static let fractionTag: UInt64 = 0x082E_FA98_EC4E_6C89
    private static let textTag: UInt64 = 0x4528_21E6_38D0_1377
    private static let otherTag: UInt64 = 0xBE54_66CF_34E9_0C6C

    @inline(__always)
    private static func integerHash(_ i: Int) -> UInt64 {
        mix(UInt64(bitPattern: Int64(i)))
    }

    /// As the dictionary's `doubleKey`: integral values in range meet the integers.
    @inline(__always)
    private static func doubleHash(_ d: Double) -> UInt64 {
        if d.rounded() == d, d.magnitude < 9.2e18 { return integerHash(Int(Int64(d))) }
        let bits = d.isNaN ? Double.nan.bitPattern : d.bitPattern
        return mix(bits ^ fractionTag)
    }

    /// A hash of `bytes`, eight bytes per step.
    @inline(__always)
    private static func bytesHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
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
