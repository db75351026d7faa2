import SluiceCore

/// Builds the output batch of a flatten from the leaves of each output record: fields that
/// were not expanded pass through (gathered when records were exploded), leaf keys get
/// built columns, and a record that sets one key twice is rejected.
struct FlattenAssembly {
    let batch: RecordBatch
    /// The indexes of the expanded input fields, in field order.
    let expanded: [Int]
    /// Each output record: its input row and its leaves.
    let rows: [(input: Int, leaves: [FlattenLeaf])]

    func result() -> BatchResult {
        // Output fields: input order, each expanded field replaced by its keys in first-seen order.
        var groupKeys = Array(repeating: [String](), count: expanded.count)
        var seen = Set<String>()
        for (_, leaves) in rows {
            for leaf in leaves where seen.insert(leaf.key).inserted { groupKeys[leaf.group].append(leaf.key) }
        }
        var names: [String] = []
        var slot: [String: Int] = [:]
        var passthrough: [Int?] = []
        var built: [Bool] = []
        func add(_ name: String, from field: Int?) {
            if let existing = slot[name] {
                if let field { passthrough[existing] = field }
                built[existing] = true
                return
            }
            slot[name] = names.count
            names.append(name)
            passthrough.append(field)
            built.append(field == nil)
        }
        var group = 0
        for field in batch.fields.indices {
            if group < expanded.count, expanded[group] == field {
                for key in groupKeys[group] { add(key, from: nil) }
                group += 1
            } else {
                add(batch.fields[field], from: field)
            }
        }

        var builders = built.map { $0 ? ColumnBuilder(capacity: rows.count) : nil }
        var reasons: [Int: [String]] = [:]
        for (outRow, (input, leaves)) in rows.enumerated() {
            for leaf in leaves {
                guard let s = slot[leaf.key] else { continue }
                if builders[s]?.count ?? 0 > outRow {
                    reasons[input, default: []].append("Field \(leaf.key): flattening gives this field more than one value")
                } else {
                    builders[s]?.append(leaf.value)
                }
            }
            for s in names.indices where built[s] {
                if let field = passthrough[s] {
                    let column = batch.columns[field]
                    if builders[s]?.count ?? 0 > outRow {
                        if column.presence(at: input) != .absent {
                            reasons[input, default: []].append("Field \(names[s]): flattening gives this field more than one value")
                        }
                    } else {
                        builders[s]?.append(from: column, row: input)
                    }
                } else if builders[s]?.count == outRow {
                    builders[s]?.appendAbsent()
                }
            }
        }

        let inputs = rows.map(\.input)
        let identity = inputs.count == batch.count && inputs.elementsEqual(0..<batch.count)
        var columns: [Column] = []
        for s in names.indices {
            if let builder = builders[s] {
                columns.append(builder.build())
            } else if let field = passthrough[s] {
                columns.append(identity ? batch.columns[field] : batch.columns[field].gathering(inputs))
            }
        }
        let output = RecordBatch(fields: names, columns: columns, positions: identity ? batch.positions : gatherElements(batch.positions, inputs))
        guard !reasons.isEmpty else { return BatchResult(batch: output) }
        let keep = inputs.indices.filter { reasons[inputs[$0]] == nil }
        let rejected = reasons.keys.sorted().map { row in
            Rejection(record: .object(batch.record(at: row)), reasons: Self.once(reasons[row] ?? []), position: batch.positions[row], stage: FlattenRecords.stage)
        }
        return BatchResult(batch: output.selecting(keep), rejected: rejected)
    }

    /// `reasons` without repeats (an exploded record meets the same clash once per element).
    static func once(_ reasons: [String]) -> [String] {
        var seen = Set<String>()
        return reasons.filter { seen.insert($0).inserted }
    }
}
