import SluiceCore

/// A ``Join`` with its lookup data in memory: the hash table is built once, then each batch
/// is probed on its own, so batches can be joined in parallel.
///
/// A batch is joined in two steps: every left row's first matching lookup row (or `-1`) is
/// found from the key column's typed storage, then each added field is gathered from the
/// lookup side in one pass. When every lookup key is unique and the join is `left`, the
/// batch's own columns are reused unchanged. A key of several fields is first encoded into
/// one byte-string column per side (``JoinCompositeKey``).
///
/// Built for a right or full join, this handles each batch as an inner or left join would
/// (the lookup records that matched nothing are ``PreparedOuterJoin``'s business).
public struct PreparedJoin: StatelessTransform {
    /// The spec's operation name.
    public static let operation = Join.operation

    /// The same configuration as ``Join``.
    public typealias Config = Join.Config
    /// The same declaration as ``Join``.
    public static var declaration: ComponentDeclaration { Join.declaration }

    /// The join this was prepared from.
    public let join: Join
    /// The lookup fields added to each record, by their lookup-side names.
    public let addedFields: [String]
    /// The lookup columns of ``addedFields``.
    let addedColumns: [Column]
    /// The lookup columns of the right key fields, in key order (`nil`: the lookup data lacks it).
    let lookupKeys: [Column?]
    /// The lookup records' positions in the lookup data.
    let lookupPositions: [Int]
    private let index: JoinIndex

    /// A join with an empty lookup data set (every record unmatched). The engine builds joins
    /// with ``Join/prepared(with:)`` instead; this exists because every transform is buildable
    /// from its config.
    public init(config: Config, context: ComponentContext) throws {
        try self.init(join: Join(config: config, context: context), lookup: .empty)
    }

    /// Indexes `lookup` for `join`. Throws ``SpecError`` (relative to `config`) when `lookup`
    /// has records but lacks the key field or a requested field. When it has none, the
    /// requested fields are added as nulls.
    public init(join: Join, lookup: RecordBatch) throws {
        guard lookup.count < Int(Int32.max) else {
            throw SpecError(path: "with", "the lookup data set has \(lookup.count) records; a join supports at most \(Int32.max)")
        }
        let keys = join.keys.rightFields.map { lookup.column(named: $0) }
        for (i, column) in keys.enumerated() where column == nil && !lookup.isEmpty {
            throw SpecError(
                path: join.keys.rightPath(i), "the lookup data has no field '\(join.keys.rightFields[i])'; it has \(PreparedJoin.list(lookup.fields))")
        }
        let rightFields = Set(join.keys.rightFields)
        let added = join.fields ?? lookup.fields.filter { !rightFields.contains($0) }
        var columns: [Column] = []
        for (i, name) in added.enumerated() {
            if let column = lookup.column(named: name) {
                columns.append(column)
            } else if lookup.isEmpty {
                columns.append(Column.absent(count: 0))
            } else {
                throw SpecError(path: "fields[\(i)]", "the lookup data has no field '\(name)'; it has \(PreparedJoin.list(lookup.fields))")
            }
        }
        self.join = join
        addedFields = added
        addedColumns = columns
        lookupKeys = keys
        lookupPositions = lookup.positions
        index = JoinIndex(column: keys.count == 1 ? keys[0] : JoinCompositeKey.column(keys, count: lookup.count), count: lookup.count)
    }

    private static func list(_ fields: [String]) -> String {
        fields.isEmpty ? "no fields" : fields.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// The number of lookup records.
    var lookupCount: Int { lookupPositions.count }

    /// The batch's records with the lookup fields added (see ``Join`` for the semantics).
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        let (leftRows, rightRows) = match(batch)
        return BatchResult(batch: assemble(batch, leftRows: leftRows, rightRows: rightRows))
    }

    /// The (left row, lookup row) pairs of the joined output: `leftRows` (`nil`: every left
    /// row once, in order) and, for each, its lookup row or `-1`.
    func match(_ batch: RecordBatch) -> (leftRows: [Int32]?, rightRows: [Int32]) {
        let count = batch.count
        let keyColumn: Column?
        if join.keys.pairs.count == 1 {
            keyColumn = batch.column(named: join.keys.left)
        } else {
            keyColumn = JoinCompositeKey.column(join.keys.leftFields.map { batch.column(named: $0) }, count: count)
        }
        let first = index.firstMatches(keyColumn, count: count)
        var leftRows: [Int32]?
        var rightRows = first
        if index.hasDuplicates {
            (leftRows, rightRows) = expand(first, keepUnmatched: join.kind.keepsUnmatchedRecords)
        } else if !join.kind.keepsUnmatchedRecords {
            var keep: [Int32] = []
            keep.reserveCapacity(count)
            for row in 0..<count where first[row] >= 0 { keep.append(Int32(truncatingIfNeeded: row)) }
            if keep.count < count {
                leftRows = keep
                rightRows = keep.map { first[Int($0)] }
            }
        }
        return (leftRows, rightRows)
    }

    /// The output records of the pairs ``match(_:)`` found.
    func assemble(_ batch: RecordBatch, leftRows: [Int32]?, rightRows: [Int32]) -> RecordBatch {
        var columns = batch.columns
        var positions = batch.positions
        if let leftRows {
            columns = columns.map { $0.gathering(leftRows, absentAsNull: false) }
            positions = leftRows.map { positions[Int($0)] }
        }
        for column in addedColumns { columns.append(column.gathering(rightRows, absentAsNull: true)) }
        let names = join.outputNames(leftFields: batch.fields, added: addedFields)
        return RecordBatch(fields: batch.fields + names, columns: columns, positions: positions)
    }

    /// One (left row, lookup row) pair per match, left rows in order and each one's matches in
    /// lookup order; an unmatched left row gives (row, -1) when `keepUnmatched`.
    private func expand(_ first: [Int32], keepUnmatched: Bool) -> (left: [Int32], right: [Int32]) {
        var left: [Int32] = []
        var right: [Int32] = []
        left.reserveCapacity(first.count)
        right.reserveCapacity(first.count)
        index.next.withUnsafeBufferPointer { next in
            for (row, head) in first.enumerated() {
                let row = Int32(truncatingIfNeeded: row)
                var match = head
                if match < 0 {
                    if keepUnmatched {
                        left.append(row)
                        right.append(-1)
                    }
                    continue
                }
                while match >= 0 {
                    left.append(row)
                    right.append(match)
                    match = next[Int(match)]
                }
            }
        }
        return (left, right)
    }

    /// The record's fields are copied; each added lookup field derives from its lookup field (`how: "join"`).
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        join.lineage(inputFields: inputFields, added: addedFields)
    }
}
