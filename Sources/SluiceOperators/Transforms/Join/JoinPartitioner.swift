import SluiceCore

/// Sends each row of either side of a ``GraceJoin`` to one of ``count`` partitions by a hash
/// of its join key, so that a record and every lookup record it matches meet in the same
/// partition and each partition can be joined on its own.
///
/// The hash follows ``JoinIndex``'s equality exactly (keys it matches hash alike):
/// - a single key is reduced as ``JoinKey`` reduces it: an int, or a double with an integral
///   value (`1.0`, `-0.0`), hashes as that integer; another double by its bits; text by its
///   UTF-8 bytes, whether the column stores it as text or as values (case and Unicode
///   normalization count, as in the text table); booleans, timestamps, arrays and objects by
///   ``Value``'s own hashing, which the index's `[Value: Int32]` relies on too;
/// - a key of several fields hashes the bytes of its ``JoinCompositeKey``, which are equal
///   exactly when every field's key is.
///
/// A row whose key can never match (null, missing, NaN, or any null field of a composite
/// key) gets ``count`` itself, one past the last partition: a lookup record there is dropped,
/// a record is kept for a left join in a partition of its own.
struct JoinPartitioner: Sendable {
    /// The number of partitions rows with a key go to.
    let count: Int
    /// Varies the hash from run to run, so crafted keys cannot pile into one partition.
    let seed: UInt64

    init(count: Int, seed: UInt64 = UInt64.random(in: .min ... .max)) {
        self.count = max(1, count)
        self.seed = seed
    }

    /// The partition of each row of `batch` on the key fields `keyFields` (in key order),
    /// ``count`` for a row whose key never matches.
    func partitions(of batch: RecordBatch, keyFields: [String]) -> [Int32] {
        let rows = batch.count
        let keys = keyFields.map { batch.column(named: $0) }
        let column = keys.count == 1 ? keys[0] : JoinCompositeKey.column(keys, count: rows)
        guard let column else { return [Int32](repeating: Int32(count), count: rows) }
        let none = Int32(count)
        let buckets = UInt64(count)
        return [Int32](unsafeUninitializedCapacity: rows) { out, initialized in
            for row in 0..<rows {
                if let hash = Self.hash(column, row: row) {
                    out[row] = Int32(truncatingIfNeeded: KeyHashing.mix(hash ^ seed) % buckets)
                } else {
                    out[row] = none
                }
            }
            initialized = rows
        }
    }

    /// The hash of row `row`'s key, `nil` when it never matches.
    @inline(__always)
    static func hash(_ column: Column, row: Int) -> UInt64? {
        guard column.isPresent(row) else { return nil }
        switch column.storage {
        case .ints(let a): return KeyHashing.integer(a[row])
        case .doubles(let a): return hash(JoinKey.of(a[row]))
        case .text(let t): return t.withBytes(at: row) { KeyHashing.bytes($0) }
        case .bools, .values, .dictionary: return hash(JoinKey.of(column.value(at: row)))
        }
    }

    /// The hash of a reduced key, `nil` for ``JoinKey/none``.
    static func hash(_ key: JoinKey) -> UInt64? {
        switch key {
        case .none: return nil
        case .int(let i): return KeyHashing.integer(i)
        case .double(let bits): return KeyHashing.fraction(bits: bits)
        case .text(let s): return KeyHashing.text(s)
        case .other(let value): return KeyHashing.other(value)
        }
    }
}
