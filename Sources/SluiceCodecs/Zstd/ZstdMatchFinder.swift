// LZ77 match finding for zstd compression, written from scratch for Sluice: a hash table of
// 4-byte sequences, with hash chains and lazy matching at the higher levels.

/// Finds matches in a buffer that holds the window's history followed by the block being
/// compressed. Table entries are stream positions (`bufferStart` + index), so the buffer can
/// slide without rebuilding them.
final class ZstdMatchFinder: @unchecked Sendable {
    let parameters: ZstdSearchParameters
    /// Positions as `UInt32(truncatingIfNeeded: position + 1)`, 0 for none: half the memory
    /// of full positions. A position is recovered from the distance the 32-bit difference
    /// gives, and every candidate is checked against the bytes, so an aliased entry can
    /// only cost a wasted comparison.
    private var head: [UInt32]
    private var chain: [UInt32]
    private let windowSize: Int

    init(parameters: ZstdSearchParameters) {
        self.parameters = parameters
        windowSize = 1 << parameters.windowLog
        head = [UInt32](repeating: 0, count: 1 << parameters.hashLog)
        chain = parameters.chainDepth > 0 ? [UInt32](repeating: 0, count: windowSize) : []
    }

    /// Finds the sequences of `buffer[blockStart..<blockEnd]`; `bufferStart` is the stream
    /// position of `buffer[0]`. Returns the sequences and the trailing literal count.
    func sequences(_ buffer: UnsafeRawPointer, bufferStart: Int, blockStart: Int, blockEnd: Int) -> (sequences: [ZstdSequence], trailing: Int) {
        var result: [ZstdSequence] = []
        result.reserveCapacity((blockEnd - blockStart) / 16)
        let shift = UInt64(64 - parameters.hashLog)
        let depth = parameters.chainDepth
        let chainMask = windowSize - 1
        let goodEnough = parameters.goodEnough
        let window = windowSize
        let minMatch = parameters.minMatch
        let hashShift = UInt64(64 - 8 * minMatch)
        // Hashes `minMatch` bytes (the 8-byte load stays inside the buffer: i < blockEnd - 8).
        @inline(__always) func hash(_ i: Int) -> Int {
            let bytes = buffer.loadUnaligned(fromByteOffset: i, as: UInt64.self) << hashShift
            return Int(truncatingIfNeeded: (bytes &* 0x9E37_79B1_85EB_CA87) >> shift)
        }
        /// How much a match is worth: length against the cost of its offset.
        @inline(__always) func gain(_ length: Int, _ distance: Int) -> Int {
            4 * length - (Int.bitWidth - (distance + 1).leadingZeroBitCount)
        }
        @inline(__always) func load32(_ i: Int) -> UInt32 { buffer.loadUnaligned(fromByteOffset: i, as: UInt32.self) }
        var trailing = 0
        head.withUnsafeMutableBufferPointer { head in
            chain.withUnsafeMutableBufferPointer { chain in
                @inline(__always) func key(_ position: Int) -> UInt32 { UInt32(truncatingIfNeeded: position &+ 1) }
                /// The position an entry stored relative to `position` stands for (-1: none).
                @inline(__always) func resolve(_ entry: UInt32, from position: Int) -> Int {
                    entry == 0 ? -1 : position - Int(key(position) &- entry)
                }
                @inline(__always) func insert(_ i: Int) {
                    let h = hash(i)
                    let position = bufferStart + i
                    if depth > 0 { chain[position & chainMask] = head[h] }
                    head[h] = key(position)
                }
                /// The longest match at `i` (length, distance), inserting `i`.
                @inline(__always) func search(_ i: Int) -> (Int, Int) {
                    let h = hash(i)
                    let position = bufferStart + i
                    let lowest = max(bufferStart, position - window + 1)
                    let entry = head[h]
                    var candidate = resolve(entry, from: position)
                    if depth > 0 { chain[position & chainMask] = entry }
                    head[h] = key(position)
                    let maxLength = blockEnd - i
                    var bestLength = 0
                    var bestDistance = 0
                    var bestGain = Int.min
                    var remaining = max(depth, 1)
                    let value = load32(i)
                    while candidate >= lowest && candidate < position && remaining > 0 {
                        let c = candidate - bufferStart
                        if load32(c) == value {
                            let length = 4 + LZMatch.length(buffer + c + 4, buffer + i + 4, limit: maxLength - 4)
                            if length >= minMatch && gain(length, i - c) > bestGain {
                                bestLength = length
                                bestDistance = i - c
                                bestGain = gain(length, bestDistance)
                                if length >= goodEnough || length == maxLength { break }
                            }
                        }
                        remaining -= 1
                        guard depth > 0 else { break }
                        let next = resolve(chain[candidate & chainMask], from: candidate)
                        guard next < candidate else { break }
                        candidate = next
                    }
                    return (bestLength, bestDistance)
                }
                var anchor = blockStart
                var i = blockStart
                let end = blockEnd - 8  // loads of 4 bytes at i + 1 stay inside the block
                var lastDistance = 0
                while i < end {
                    // The previous distance first: cheap, and coded as a repeat.
                    var (length, distance) = (0, 0)
                    if lastDistance > 0 && i - lastDistance >= 0 && load32(i - lastDistance) == load32(i) {
                        length = 4 + LZMatch.length(buffer + i - lastDistance + 4, buffer + i + 4, limit: blockEnd - i - 4)
                        distance = lastDistance
                        insert(i)
                    } else {
                        (length, distance) = search(i)
                    }
                    if length < 4 {
                        i += 1 + ((i - anchor) >> 8)
                        continue
                    }
                    var indexed = i
                    if parameters.lazy && length < goodEnough && i + 1 < end {
                        let (nextLength, nextDistance) = search(i + 1)
                        indexed = i + 1
                        if nextLength >= minMatch && gain(nextLength, nextDistance) > gain(length, distance) + 4 {
                            i += 1
                            length = nextLength
                            distance = nextDistance
                        }
                    }
                    result.append(ZstdSequence(literalLength: i - anchor, matchLength: length, distance: distance))
                    lastDistance = distance
                    // Index the positions the match covers (a few of them at the fast levels).
                    let stop = min(i + length, end)
                    var j = indexed + 1
                    let step = depth == 0 ? max(1, length / 8) : 1
                    while j < stop {
                        insert(j)
                        j += step
                    }
                    i += length
                    anchor = i
                }
                trailing = blockEnd - anchor
            }
        }
        return (result, trailing)
    }
}
