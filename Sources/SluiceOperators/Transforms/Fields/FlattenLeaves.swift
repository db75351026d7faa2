import SluiceCore

/// One output cell of a flattened record: its dotted key, value, the object levels it may
/// still open (for array elements exploded later) and the input field it came from.
struct FlattenLeaf {
    var key: String
    var value: Value
    var levels: Int
    var group: Int
}

/// How ``FlattenRecords`` turns one nested value into leaves.
struct FlattenRules: Sendable {
    let separator: String
    let depth: Int
    let arrays: FlattenRecords.Arrays
    let joinWith: String

    /// Whether a column has anything to flatten: only `[Value]` columns can hold objects or arrays.
    func expands(_ column: Column) -> Bool {
        guard case .values(let values) = column.storage else { return false }
        for (row, value) in values.enumerated() where column.isPresent(row) {
            switch value {
            case .object(let o) where !o.isEmpty: return true
            case .array where arrays != .keep: return true
            default: continue
            }
        }
        return false
    }

    /// Appends the leaves of `value` found under `key`, opening at most `levels` object levels.
    /// Empty objects are leaves (`a: {}` stays), so nothing a record holds is lost.
    func leaves(of value: Value, key: String, levels: Int, group: Int, into out: inout [FlattenLeaf]) {
        switch value {
        case .object(let object) where !object.isEmpty && levels > 0:
            for (name, inner) in object.pairs {
                leaves(of: inner, key: key + separator + name, levels: levels - 1, group: group, into: &out)
            }
        case .array(let items) where arrays == .join:
            out.append(FlattenLeaf(key: key, value: .string(joined(items)), levels: levels, group: group))
        default:
            out.append(FlattenLeaf(key: key, value: value, levels: levels, group: group))
        }
    }

    /// Array elements as text joined by `joinWith`: strings as they are, numbers as
    /// JavaScript prints them, null as nothing, arrays and objects as JSON.
    func joined(_ items: [Value]) -> String {
        items.map { $0.isNull ? "" : $0.plainText }.joined(separator: joinWith)
    }

    /// One record's leaves with every array leaf exploded: as many records as the longest
    /// array, the i-th taking each array's i-th element (null past a shorter array's end),
    /// as DuckDB's `unnest` of several lists in one `SELECT` does. Elements that are objects
    /// are flattened under the array's key. A record whose arrays are all empty gives one
    /// record with those keys null.
    func exploded(_ leaves: [FlattenLeaf]) -> [[FlattenLeaf]] {
        var longest = -1
        for leaf in leaves {
            if case .array(let items) = leaf.value { longest = Swift.max(longest, items.count) }
        }
        guard longest >= 0 else { return [leaves] }
        return (0..<Swift.max(longest, 1)).map { i in
            var out: [FlattenLeaf] = []
            out.reserveCapacity(leaves.count)
            for leaf in leaves {
                guard case .array(let items) = leaf.value else {
                    out.append(leaf)
                    continue
                }
                let element = i < items.count ? items[i] : .null
                // Nested arrays inside an element stay as they are: one level is exploded.
                let rules = FlattenRules(separator: separator, depth: depth, arrays: .keep, joinWith: joinWith)
                rules.leaves(of: element, key: leaf.key, levels: leaf.levels, group: leaf.group, into: &out)
            }
            return out
        }
    }
}
