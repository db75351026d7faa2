import SluiceCore

/// Assigns each row a dense group number from the values of the group-by fields, numbering
/// groups in first-seen order.
///
/// Each field has its own ``GroupKeyDictionary``. With one field its code is the group; with
/// several, codes are combined left to right, each step mapping a (prefix, code) pair packed
/// into one word to the next prefix, so a key of any width costs one probe per field.
struct GroupIndex: Sendable {
    private(set) var dictionaries: [GroupKeyDictionary]
    /// One table per field after the first, for the pair-combining steps.
    private var pairTables: [IntCodeTable]
    /// How many ids each combining step has handed out.
    private var pairCounts: [Int32]
    /// For two or more fields: the codes of each group, `dictionaries.count` per group.
    private var groupCodes: [Int32] = []
    /// The number of groups.
    private(set) var count: Int

    /// Whether each group's key values are kept (for ``key(of:)`` and ``value(of:field:)``).
    let storesKeys: Bool

    /// An index for `fieldCount` group-by fields; with none, every row is group 0, which
    /// exists from the start (an ungrouped aggregate has one result row even with no input).
    /// Without `storesKeys` the index only numbers keys, and cannot say what they were.
    init(fieldCount: Int, storesKeys: Bool = true) {
        var generator = SystemRandomNumberGenerator()
        self.storesKeys = storesKeys
        dictionaries = (0..<fieldCount).map { _ in GroupKeyDictionary(seed: generator.next(), storesKeys: storesKeys) }
        pairTables = (0..<max(0, fieldCount - 1)).map { _ in IntCodeTable(seed: generator.next()) }
        pairCounts = Array(repeating: 0, count: max(0, fieldCount - 1))
        count = fieldCount == 0 ? 1 : 0
    }

    /// The group of each row of `batch`, given the batch's column of each group-by field.
    mutating func assign(_ columns: [Column?], count rows: Int) -> [Int32] {
        guard !dictionaries.isEmpty else { return Array(repeating: 0, count: rows) }
        var groups: [Int32] = []
        groups.reserveCapacity(rows)
        dictionaries[0].codes(of: columns[0], count: rows, into: &groups)
        guard dictionaries.count > 1 else {
            count = Int(dictionaries[0].count)
            return groups
        }
        var allCodes: [[Int32]] = [groups]
        var codes: [Int32] = []
        codes.reserveCapacity(rows)
        for level in 1..<dictionaries.count {
            dictionaries[level].codes(of: columns[level], count: rows, into: &codes)
            allCodes.append(codes)
            let last = level == dictionaries.count - 1
            for row in 0..<rows {
                let next = pairCounts[level - 1]
                let id = pairTables[level - 1].findOrInsert(Self.pack(groups[row], codes[row]), next: next)
                if id == next {
                    pairCounts[level - 1] += 1
                    if last, storesKeys { for field in allCodes.indices { groupCodes.append(allCodes[field][row]) } }
                }
                groups[row] = id
            }
        }
        count = Int(pairCounts[pairCounts.count - 1])
        return groups
    }

    /// The group of one key given as values (for merging states), creating it when new.
    mutating func group(of key: [Value]) -> Int32 {
        guard !dictionaries.isEmpty else { return 0 }
        let codes = key.indices.map { dictionaries[$0].code(of: key[$0]) }
        var id = codes[0]
        for level in 1..<max(1, codes.count) {
            let next = pairCounts[level - 1]
            id = pairTables[level - 1].findOrInsert(Self.pack(id, codes[level]), next: next)
            if id == next {
                pairCounts[level - 1] += 1
                if level == codes.count - 1, storesKeys { groupCodes.append(contentsOf: codes) }
            }
        }
        count = codes.count == 1 ? Int(dictionaries[0].count) : Int(pairCounts[pairCounts.count - 1])
        return id
    }

    /// The bytes the dictionaries and combining tables hold.
    var estimatedBytes: Int {
        dictionaries.reduce(0) { $0 + $1.estimatedBytes } + pairTables.reduce(0) { $0 + $1.estimatedBytes }
            + groupCodes.capacity * 4
    }

    /// The group-by values of group `group`, in field order.
    func key(of group: Int) -> [Value] {
        dictionaries.indices.map { value(of: group, field: $0) }
    }

    /// The value of group-by field `field` in group `group`.
    func value(of group: Int, field: Int) -> Value {
        if dictionaries.count == 1 { return dictionaries[0].keys[group] }
        return dictionaries[field].keys[Int(groupCodes[group * dictionaries.count + field])]
    }

    @inline(__always)
    private static func pack(_ prefix: Int32, _ code: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: prefix)) << 32 | UInt64(UInt32(bitPattern: code))
    }
}
