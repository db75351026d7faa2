import SluiceCore

/// Sends each row of a spilled ``Dedupe`` to one of ``count`` partitions by a hash of its key
/// values, so that rows whose keys are equal go to the same partition and each partition can
/// be deduplicated on its own.
///
/// Each key field is hashed by ``GroupKeyHash``, which follows the key equality of
/// ``GroupKeyDictionary`` exactly (rows it calls one key meet). Rows of unequal keys may
/// share a partition; the partition's ``GroupIndex`` tells them apart.
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
                    hashes[row] = KeyHashing.mix((hashes[row] &+ salt) ^ GroupKeyHash.hash(column, row: row))
                }
            }
        }
        return hashes.map { UInt8(truncatingIfNeeded: KeyHashing.mix($0) % UInt64(Self.count)) }
    }
}
