extension RecordBatch {
    /// A run of consecutive rows that all have the same fields (neither absent).
    public struct FieldRun: Sendable, Equatable {
        /// The rows, as indexes into the batch.
        public var rows: Range<Int>
        /// The indexes of the columns the rows have, in column order.
        public var fields: [Int]

        public init(rows: Range<Int>, fields: [Int]) {
            self.rows = rows
            self.fields = fields
        }
    }

    /// The batch cut into runs of consecutive rows with the same fields, so a database target
    /// can write each run with one column list (a field a record lacks is left to the column's
    /// default, or in an upsert to its stored value). When no column has an absent row — the
    /// usual case — the whole batch is one run, found without looking at any row.
    public var fieldRuns: [FieldRun] {
        guard !isEmpty else { return [] }
        let sparse = columns.indices.filter { index in
            columns[index].presence?.contains(.absent) ?? false
        }
        guard !sparse.isEmpty else { return [FieldRun(rows: 0..<count, fields: Array(columns.indices))] }
        // Only the columns with absent rows can differ from row to row.
        func sparseMask(_ row: Int) -> [Bool] { sparse.map { columns[$0].presence(at: row) != .absent } }
        var runs: [FieldRun] = []
        var start = 0
        var mask = sparseMask(0)
        for row in 1...count {
            if row < count {
                let next = sparseMask(row)
                if next == mask { continue }
                runs.append(FieldRun(rows: start..<row, fields: fields(present: mask, sparse: sparse)))
                mask = next
                start = row
            } else {
                runs.append(FieldRun(rows: start..<row, fields: fields(present: mask, sparse: sparse)))
            }
        }
        return runs
    }

    /// The indexes of the columns that have a value (possibly null) in at least one row.
    public var usedFieldIndexes: [Int] {
        columns.indices.filter { index in
            guard let presence = columns[index].presence else { return count > 0 }
            return presence.contains { $0 != .absent }
        }
    }

    private func fields(present mask: [Bool], sparse: [Int]) -> [Int] {
        var absent = Set<Int>()
        for (i, index) in sparse.enumerated() where !mask[i] { absent.insert(index) }
        return columns.indices.filter { !absent.contains($0) }
    }
}
