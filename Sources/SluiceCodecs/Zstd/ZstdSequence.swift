// An LZ77 sequence of zstd compression, written from scratch for Sluice.

/// One zstd sequence: literals, then a match of `matchLength` bytes `distance` back.
struct ZstdSequence {
    var literalLength: Int
    var matchLength: Int
    var distance: Int
}
