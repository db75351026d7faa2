import SluiceCore

/// Per-group counts of distinct non-null values, as SQL's `count(DISTINCT x)`.
///
/// Values are numbered by a ``GroupKeyDictionary`` (so they are equal as group keys are:
/// `1` and `1.0` are one value, `"1"` is another, text by its bytes), and each new
/// (group, value) pair, packed into one word, is recorded in a hash set. The pairs are also
/// kept in a list, so a merge can replay another state's pairs through this state's numbering.
struct DistinctAccumulator: Sendable {
    private var dictionary: GroupKeyDictionary
    private var pairs: IntCodeTable
    /// Every (group, value code) pair seen, packed, in first-seen order.
    private var pairList: [UInt64] = []
    private var counts: [Int] = []

    init() {
        var generator = SystemRandomNumberGenerator()
        dictionary = GroupKeyDictionary(seed: generator.next())
        pairs = IntCodeTable(seed: generator.next())
    }

    /// Makes room for `groups` groups.
    mutating func grow(to groups: Int) {
        if counts.count < groups { counts.append(contentsOf: repeatElement(0, count: groups - counts.count)) }
    }

    /// Records the present cells of `column` in their rows' groups.
    mutating func consume(_ column: Column, groups: [Int32]) {
        var codes: [Int32] = []
        codes.reserveCapacity(groups.count)
        dictionary.codes(of: column, count: groups.count, into: &codes)
        if let presence = column.presence {
            for row in 0..<groups.count where presence[row] == .present { add(codes[row], to: groups[row]) }
        } else {
            for row in 0..<groups.count { add(codes[row], to: groups[row]) }
        }
    }

    @inline(__always)
    private mutating func add(_ code: Int32, to group: Int32) {
        let pair = UInt64(UInt32(bitPattern: group)) << 32 | UInt64(UInt32(bitPattern: code))
        let next = Int32(truncatingIfNeeded: pairs.count)
        if pairs.findOrInsert(pair, next: next) == next {
            pairList.append(pair)
            counts[Int(group)] += 1
        }
    }

    /// Adds the pairs of `other`, its group `g` becoming group `targets[g]`.
    mutating func merge(_ other: DistinctAccumulator, targets: [Int]) {
        let codes = other.dictionary.keys.map { dictionary.code(of: $0) }
        for pair in other.pairList {
            add(codes[Int(pair & 0xFFFF_FFFF)], to: Int32(truncatingIfNeeded: targets[Int(pair >> 32)]))
        }
    }

    /// The number of distinct values in group `group`.
    func count(_ group: Int) -> Int { counts[group] }

    /// Where each of `groupCount` groups' (group, value) pairs sit, for ``partialColumns(_:_:)``.
    func positions(groupCount: Int) throws(AggregateSpillError) -> GroupedPositions {
        try GroupedPositions(count: pairList.count, groupCount: groupCount) { Int(pairList[$0] >> 32) }
    }

    /// The distinct values of `groups`, in that order, as one column of lists (each value as
    /// first seen; numbered again on merging, they count as they did).
    func partialColumns(_ groups: [Int], _ positions: GroupedPositions) -> [Column] {
        let lists = groups.map { group in
            Value.array(positions.of(group).map { dictionary.keys[Int(pairList[Int($0)] & 0xFFFF_FFFF)] })
        }
        return [Column(storage: .values(lists))]
    }

    /// Adds the values written by ``partialColumns(_:_:)`` (`columns` from its first), row `r`
    /// to group `targets[r]`.
    mutating func mergePartials(_ columns: ArraySlice<Column>, targets: [Int32]) throws(AggregateSpillError) {
        let column = columns[columns.startIndex]
        for (row, target) in targets.enumerated() {
            for value in try PartialColumn.list(column, row: row, of: targets.count) { add(dictionary.code(of: value), to: target) }
        }
    }

    /// The bytes held: the value dictionary, the pair set and list, and a count per group.
    var estimatedBytes: Int {
        dictionary.estimatedBytes + pairs.estimatedBytes + pairList.capacity * 8 + counts.capacity * 8
    }
}
