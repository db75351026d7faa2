import SluiceCore

/// The hash table of a join's lookup side: every key → the first row holding it, and
/// `next[row]` → the following row with the same key (`-1` at the end), so a left row's
/// matches are read in lookup order.
///
/// Keys are split by ``JoinKey`` class into an integer index, a double table, a text table
/// and a dictionary for the rare rest. Typed columns are built and probed straight from
/// their storage, with no ``Value`` per row; `[Value]` columns classify each cell.
struct JoinIndex: Sendable {
    /// The next row with the same key as each lookup row, or `-1`.
    let next: [Int32]
    /// Whether some key occurs on more than one lookup row (a probe may then fan out).
    let hasDuplicates: Bool
    private let ints: JoinIntIndex
    private let doubles: JoinIntTable?
    private let texts: JoinTextTable?
    private let others: [Value: Int32]

    /// Indexes the `count` rows of the lookup key column `column` (`nil`: no row has a key).
    init(column: Column?, count: Int, seed: UInt64 = UInt64.random(in: .min ... .max)) {
        var next = [Int32](repeating: -1, count: count)
        var duplicates = false
        var intKeys: [Int] = []
        var intRows: [Int32] = []
        var doubleKeys: [UInt64] = []
        var doubleRows: [Int32] = []
        var textKeys = TextColumn()
        var textRows: [Int32] = []
        var otherKeys: [Value] = []
        var otherRows: [Int32] = []
        if let column {
            let present = { (row: Int) in column.presence.map { $0[row] == .present } ?? true }
            func add(_ key: JoinKey, _ row: Int) {
                switch key {
                case .none: break
                case .int(let i): intKeys.append(i); intRows.append(Int32(row))
                case .double(let bits): doubleKeys.append(bits); doubleRows.append(Int32(row))
                case .text(let s): textKeys.append(s); textRows.append(Int32(row))
                case .other(let v): otherKeys.append(v); otherRows.append(Int32(row))
                }
            }
            switch column.storage {
            case .ints(let a):
                intKeys.reserveCapacity(count)
                intRows.reserveCapacity(count)
                for row in 0..<count where present(row) {
                    intKeys.append(a[row])
                    intRows.append(Int32(row))
                }
            case .doubles(let a):
                for row in 0..<count where present(row) { add(JoinKey.of(a[row]), row) }
            case .text(let t):
                if column.presence == nil {
                    textKeys = t
                    textRows = (0..<Int32(count)).map { $0 }
                } else {
                    t.bytes.withUnsafeBytes { bytes in
                        for row in 0..<count where present(row) {
                            textKeys.append(UnsafeRawBufferPointer(rebasing: bytes[t.range(row)]))
                            textRows.append(Int32(row))
                        }
                    }
                }
            case .bools, .values, .dictionary:
                for row in 0..<count where present(row) { add(JoinKey.of(column.value(at: row)), row) }
            }
        }
        ints = JoinIntIndex(keys: intKeys, rows: intRows, next: &next, duplicates: &duplicates, seed: seed)
        if doubleKeys.isEmpty {
            doubles = nil
        } else {
            var table = JoinIntTable(capacity: doubleKeys.count, seed: seed)
            for i in doubleKeys.indices.reversed() {
                let previous = table.push(doubleKeys[i], row: doubleRows[i])
                if previous >= 0 { duplicates = true }
                next[Int(doubleRows[i])] = previous
            }
            doubles = table
        }
        texts =
            textKeys.count == 0
            ? nil : JoinTextTable(keys: textKeys, rows: textRows, next: &next, duplicates: &duplicates, seed: seed)
        var others: [Value: Int32] = [:]
        for i in otherKeys.indices.reversed() {
            let row = otherRows[i]
            let previous = others.updateValue(row, forKey: otherKeys[i]) ?? -1
            if previous >= 0 { duplicates = true }
            next[Int(row)] = previous
        }
        self.others = others
        self.next = next
        hasDuplicates = duplicates
    }

    /// The first matching lookup row of each of `count` left rows whose keys are `column`
    /// (`nil`: the batch lacks the key field), or `-1`.
    func firstMatches(_ column: Column?, count: Int) -> [Int32] {
        guard let column else { return [Int32](repeating: -1, count: count) }
        let presence = column.presence
        return [Int32](unsafeUninitializedCapacity: count) { out, initialized in
            switch column.storage {
            case .ints(let a):
                a.withUnsafeBufferPointer { ints.find($0, presence: presence, into: out) }
            case .text(let t):
                if let texts {
                    texts.find(t, presence: presence, into: out)
                } else {
                    out.update(repeating: -1)
                }
            case .doubles(let a):
                for row in 0..<count {
                    out[row] = column.isPresent(row) ? find(JoinKey.of(a[row])) : -1
                }
            case .bools, .values, .dictionary:
                for row in 0..<count {
                    out[row] = column.isPresent(row) ? find(JoinKey.of(column.value(at: row))) : -1
                }
            }
            initialized = count
        }
    }

    /// The first lookup row holding `key`, or `-1`.
    private func find(_ key: JoinKey) -> Int32 {
        switch key {
        case .none: return -1
        case .int(let i): return ints.find(i)
        case .double(let bits): return doubles?.find(bits) ?? -1
        case .text(var s):
            guard let texts else { return -1 }
            return s.withUTF8 { texts.find(UnsafeRawBufferPointer($0)) }
        case .other(let v): return others[v] ?? -1
        }
    }
}
