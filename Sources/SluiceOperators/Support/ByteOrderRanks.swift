/// Ranks byte strings in byte order (UTF-8 order for text, which is Unicode scalar order)
/// without comparing strings pairwise.
///
/// A most-significant-digit radix sort on seven bytes at a time: each string's next seven
/// bytes go big-endian into the top of a word whose low byte says how many bytes were left
/// (up to 8), so word order is byte order and a shorter string sorts before any string it
/// prefixes. Every entry carries three such words (21 bytes), read in one sequential pass,
/// so ISO timestamps, ids and other short text sharing long prefixes sort in a few passes
/// that stay in cache; only groups still tied after 21 bytes go back to the strings (at
/// random places) for the next 21. Small groups are finished by insertion sort.
enum ByteOrderRanks {
    /// Groups up to this size are finished by insertion sort.
    private static let smallGroup = 32

    /// The dense rank of each of the `offsets.count - 1` strings, string `i` being
    /// `bytes[offsets[i] ..< offsets[i + 1]]`: 0 for the smallest, equal strings sharing a
    /// rank, and the next distinct string one more. Also returns the number of distinct strings.
    static func denseRanks<Offset: BinaryInteger>(
        bytes: UnsafeRawBufferPointer, offsets: UnsafeBufferPointer<Offset>
    ) -> (ranks: [UInt32], distinct: Int) {
        denseRanks(bytes: bytes, offsets: offsets, places: nil, bounds: [0, Swift.max(0, offsets.count - 1)])
    }

    /// The dense rank of each string within its group, groups being given as each string's
    /// place in a grouped order (`places`, `nil` for the strings' own order) and the groups'
    /// bounds in it; the distinct count is the largest of any group.
    ///
    /// Ranking within groups (a window's partitions) sorts many small groups in cache instead
    /// of all strings at once.
    static func denseRanks<Offset: BinaryInteger>(
        bytes: UnsafeRawBufferPointer, offsets: UnsafeBufferPointer<Offset>, places: UnsafeBufferPointer<UInt32>?, bounds: [Int]
    ) -> (ranks: [UInt32], distinct: Int) {
        let n = Swift.max(0, offsets.count - 1)
        guard n > 0 else { return ([], 0) }
        let strings = Strings(bytes: bytes, offsets: offsets)
        // Built in string order (reading the text front to back), each at its grouped place.
        var entries = [TextEntry](unsafeUninitializedCapacity: n) { out, count in
            for i in 0..<n { out[places.map { Int($0[i]) } ?? i] = strings.entry(i, depth: 0) }
            count = n
        }
        var largest = 0
        for g in 0..<(bounds.count - 1) { largest = Swift.max(largest, bounds[g + 1] - bounds[g]) }
        // `startsGroup[i]`: the string at sorted place i differs from the one before it.
        var startsGroup = [Bool](repeating: false, count: n)
        var scratch = [TextEntry](repeating: TextEntry(), count: largest > smallGroup ? largest : 0)
        entries.withUnsafeMutableBufferPointer { entries in
            scratch.withUnsafeMutableBufferPointer { scratch in
                startsGroup.withUnsafeMutableBufferPointer { starts in
                    guard let base = entries.baseAddress else { return }
                    // Ranges to sort: entries start..<end agree on everything before word
                    // `word` of depth `depth` (depth counts 21-byte steps).
                    var pending: [(start: Int, end: Int, word: Int, depth: Int)] = []
                    for g in 0..<(bounds.count - 1) where bounds[g + 1] > bounds[g] {
                        pending.append((bounds[g], bounds[g + 1], 0, 0))
                        while let (start, end, word, depth) = pending.popLast() {
                            starts[start] = true
                            if end - start <= smallGroup {
                                finishSmall(base + start, end - start, from: word, depth: depth, strings, starts, at: start)
                                continue
                            }
                            radixSort(base + start, scratch.baseAddress, end - start, word: word)
                            var i = start
                            while i < end {
                                let key = base[i].word(word)
                                var j = i + 1
                                while j < end, base[j].word(word) == key { j += 1 }
                                starts[i] = true
                                // A low byte of 8 means bytes remain past this word: look further.
                                if j - i > 1, key & 0xFF == 8 {
                                    if word < 2 {
                                        pending.append((i, j, word + 1, depth))
                                    } else {
                                        for k in i..<j { base[k] = strings.entry(Int(base[k].row), depth: depth + 1) }
                                        pending.append((i, j, 0, depth + 1))
                                    }
                                }
                                i = j
                            }
                        }
                    }
                }
            }
        }
        var distinct = 0
        let ranks = [UInt32](unsafeUninitializedCapacity: n) { out, count in
            for g in 0..<(bounds.count - 1) {
                var seen = 0
                for i in bounds[g]..<bounds[g + 1] {
                    if startsGroup[i] { seen += 1 }
                    out[Int(entries[i].row)] = UInt32(truncatingIfNeeded: seen - 1)
                }
                distinct = Swift.max(distinct, seen)
            }
            count = n
        }
        return (ranks, distinct)
    }

    /// Sorts `count` entries by word `word` with one counting pass per byte that varies,
    /// least significant first.
    private static func radixSort(_ rows: UnsafeMutablePointer<TextEntry>, _ spare: UnsafeMutablePointer<TextEntry>?, _ count: Int, word: Int) {
        guard let spare else { return }
        let first = rows[0].word(word)
        var differing: UInt64 = 0
        for i in 0..<count { differing |= rows[i].word(word) ^ first }
        guard differing != 0 else { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            guard let counts = counts.baseAddress else { return }
            var source = rows
            var target = spare
            for shift in stride(from: UInt64(0), to: 64, by: 8) where (differing >> shift) & 0xFF != 0 {
                counts.initialize(repeating: 0, count: 256)
                for i in 0..<count { counts[Int(truncatingIfNeeded: (source[i].word(word) >> shift) & 0xFF)] += 1 }
                var total = 0
                for digit in 0..<256 {
                    let c = counts[digit]
                    counts[digit] = total
                    total += c
                }
                for i in 0..<count {
                    let digit = Int(truncatingIfNeeded: (source[i].word(word) >> shift) & 0xFF)
                    target[counts[digit]] = source[i]
                    counts[digit] += 1
                }
                swap(&source, &target)
            }
            if source != rows { rows.update(from: source, count: count) }
        }
    }

    /// Sorts a small group, whose entries agree before word `word`, by insertion, and marks
    /// where the strings change.
    private static func finishSmall<Offset: BinaryInteger>(
        _ rows: UnsafeMutablePointer<TextEntry>, _ count: Int, from word: Int, depth: Int,
        _ strings: Strings<Offset>, _ starts: UnsafeMutableBufferPointer<Bool>, at start: Int
    ) {
        guard count > 1 else { return }
        // Bytes past the three words, when the words tie with bytes left.
        let rest = (depth + 1) * 21
        func compare(_ a: TextEntry, _ b: TextEntry) -> Int {
            for k in word..<3 {
                let (x, y) = (a.word(k), b.word(k))
                if x != y { return x < y ? -1 : 1 }
            }
            return a.w2 & 0xFF == 8 ? strings.compare(Int(a.row), Int(b.row), from: rest) : 0
        }
        for i in 1..<count {
            let x = rows[i]
            var j = i
            while j > 0, compare(rows[j - 1], x) > 0 {
                rows[j] = rows[j - 1]
                j -= 1
            }
            rows[j] = x
        }
        for i in 1..<count where compare(rows[i - 1], rows[i]) != 0 { starts[start + i] = true }
    }

    /// A string's row and its next 21 bytes as three words.
    private struct TextEntry {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var w2: UInt64 = 0
        var row: UInt32 = 0

        @inline(__always)
        func word(_ k: Int) -> UInt64 {
            k == 0 ? w0 : (k == 1 ? w1 : w2)
        }
    }

    /// The strings, read in place.
    private struct Strings<Offset: BinaryInteger> {
        let bytes: UnsafeRawBufferPointer
        let offsets: UnsafeBufferPointer<Offset>

        /// String `i`'s bytes from `depth * 21` on, as an entry's three words.
        @inline(__always)
        func entry(_ i: Int, depth: Int) -> TextEntry {
            let start = Int(offsets[i]) + depth * 21
            let end = Int(offsets[i + 1])
            return TextEntry(w0: chunk(start, end), w1: chunk(start + 7, end), w2: chunk(start + 14, end), row: UInt32(truncatingIfNeeded: i))
        }

        /// Bytes `start ..< start + 7` (as far as `end`) big-endian in the top seven bytes,
        /// with the count of bytes left from `start` (at most 8) in the low byte.
        @inline(__always)
        private func chunk(_ start: Int, _ end: Int) -> UInt64 {
            let left = end - start
            guard left > 0, let base = bytes.baseAddress else { return 0 }
            let kept = Swift.min(left, 7)
            var word: UInt64
            if start + 8 <= bytes.count {
                word = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            } else {
                word = 0
                for k in 0..<kept { word |= UInt64(base.load(fromByteOffset: start + k, as: UInt8.self)) << (56 - 8 * k) }
            }
            word &= ~(UInt64.max >> (8 * kept))
            return word | UInt64(Swift.min(left, 8))
        }

        /// Compares strings `a` and `b` from byte `skip` on: negative, zero or positive.
        @inline(__always)
        func compare(_ a: Int, _ b: Int, from skip: Int) -> Int {
            let x = UnsafeRawBufferPointer(rebasing: bytes[(Int(offsets[a]) + skip)..<Int(offsets[a + 1])])
            let y = UnsafeRawBufferPointer(rebasing: bytes[(Int(offsets[b]) + skip)..<Int(offsets[b + 1])])
            return LooseComparison.compareBytes(x, y)
        }
    }
}
