// Match-search effort per zstd compression level, written from scratch for Sluice.

/// Search effort derived from a compression level.
struct ZstdSearchParameters: Sendable {
    var windowLog: Int
    var hashLog: Int
    /// Candidates examined per position; 0 means the hash table alone, no chains.
    var chainDepth: Int
    var lazy: Bool
    /// Matches at least this long are taken without searching further.
    var goodEnough: Int
    /// The shortest match taken (other than at a repeat offset); also the bytes hashed.
    var minMatch: Int

    init(level: Int?) throws {
        let level = level ?? 3
        guard (1...22).contains(level) else { throw CodecError("zstd: compression level \(level) is not in 1...22") }
        switch level {
        case 1...2: self = Self(windowLog: 19, hashLog: 15 + level, chainDepth: 0, lazy: false, goodEnough: 32, minMatch: 6)
        case 3: self = Self(windowLog: 20, hashLog: 17, chainDepth: 0, lazy: false, goodEnough: 48, minMatch: 6)
        case 4...5: self = Self(windowLog: 20, hashLog: 17, chainDepth: level - 2, lazy: false, goodEnough: 48, minMatch: 5)
        case 6...12: self = Self(windowLog: 21, hashLog: 18, chainDepth: 4 * (level - 4), lazy: true, goodEnough: 96, minMatch: 5)
        default:
            // Without optimal parsing, deeper chains buy little: capped to keep these levels
            // within a few times the cost of level 9.
            self = Self(windowLog: 22, hashLog: 18, chainDepth: min(64, 20 + 4 * (level - 9)), lazy: true, goodEnough: 256, minMatch: 5)
        }
    }

    private init(windowLog: Int, hashLog: Int, chainDepth: Int, lazy: Bool, goodEnough: Int, minMatch: Int) {
        self.windowLog = windowLog
        self.hashLog = hashLog
        self.chainDepth = chainDepth
        self.lazy = lazy
        self.goodEnough = goodEnough
        self.minMatch = minMatch
    }
}
