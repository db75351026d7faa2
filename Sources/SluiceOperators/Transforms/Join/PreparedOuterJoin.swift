import SluiceCore

/// A right or full ``Join`` with its lookup data in memory: each batch is joined as it
/// arrives (an inner join for `right`, a left join for `full`) while the lookup records that
/// matched are marked; ``finish(_:)`` then emits every lookup record that matched nothing.
///
/// Such a record has the join's added fields from the lookup record, the left key fields
/// holding its key values, and every other field the records had null (fields are those of
/// all batches seen, in first-seen order, the left key fields added when no batch had them).
/// Its position is the lookup record's position in the lookup data.
public struct PreparedOuterJoin: StatefulTransform {
    /// The spec's operation name.
    public static let operation = Join.operation

    /// The same configuration as ``Join``.
    public typealias Config = Join.Config
    /// The same declaration as ``Join``.
    public static var declaration: ComponentDeclaration { Join.declaration }
    public typealias State = OuterJoinState

    /// The matching, shared with the stateless join.
    public let prepared: PreparedJoin

    /// Wraps a prepared right or full join.
    public init(_ prepared: PreparedJoin) {
        self.prepared = prepared
    }

    /// A join with an empty lookup data set (so nothing is left over at the end). The engine
    /// builds joins with ``Join/preparedTransform(with:)`` instead; this exists because every
    /// transform is buildable from its config.
    public init(config: Config, context: ComponentContext) throws {
        try self.init(PreparedJoin(join: Join(config: config, context: context), lookup: .empty))
    }

    /// A fresh state: no lookup record matched yet.
    public func makeState() -> OuterJoinState {
        OuterJoinState(lookupCount: prepared.lookupCount)
    }

    /// The batch joined (without or with its unmatched records, for `right` or `full`),
    /// marking the lookup records that matched.
    public func consume(_ batch: RecordBatch, into state: inout OuterJoinState) throws -> BatchResult {
        state.see(batch.fields)
        guard !batch.isEmpty else { return BatchResult(batch: .empty) }
        let (leftRows, rightRows) = prepared.match(batch)
        state.mark(rightRows)
        return BatchResult(batch: prepared.assemble(batch, leftRows: leftRows, rightRows: rightRows))
    }

    /// The lookup records that matched no record, in lookup order.
    public func finish(_ state: OuterJoinState) throws -> RecordBatch {
        let rows = state.unmatched()
        guard !rows.isEmpty else { return .empty }
        let join = prepared.join
        var leftFields = state.fields
        for field in join.keys.leftFields where !leftFields.contains(field) { leftFields.append(field) }
        let nullRows = [Int32](repeating: -1, count: rows.count)
        let keyColumns = Dictionary(
            zip(join.keys.leftFields, prepared.lookupKeys).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        var columns: [Column] = leftFields.map { field in
            guard let keyColumn = keyColumns[field] else { return Column.absent(count: 0).gathering(nullRows, absentAsNull: true) }
            return (keyColumn ?? Column.absent(count: 0)).gathering(rows, absentAsNull: true)
        }
        for column in prepared.addedColumns { columns.append(column.gathering(rows, absentAsNull: true)) }
        let names = join.outputNames(leftFields: leftFields, added: prepared.addedFields)
        return RecordBatch(fields: leftFields + names, columns: columns, positions: rows.map { prepared.lookupPositions[Int($0)] })
    }

    /// The matched-record flags and the field list.
    public func estimatedBytes(of state: OuterJoinState) -> Int { state.estimatedBytes }

    /// As ``PreparedJoin/lineage(inputFields:)``.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        prepared.lineage(inputFields: inputFields)
    }

    /// As ``Join/inputDemand(forOutput:)``.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        prepared.join.inputDemand(forOutput: output)
    }
}

/// The per-run state of a ``PreparedOuterJoin``.
public struct OuterJoinState: Sendable {
    /// Whether each lookup record has matched a record.
    private var matched: [Bool]
    /// The fields of the batches seen, in first-seen order.
    private(set) var fields: [String] = []
    private var known = Set<String>()

    init(lookupCount: Int) {
        matched = [Bool](repeating: false, count: lookupCount)
    }

    /// Notes a batch's fields.
    mutating func see(_ batchFields: [String]) {
        for field in batchFields where known.insert(field).inserted { fields.append(field) }
    }

    /// Marks the lookup rows in `rows` (`-1`: none) as matched.
    mutating func mark(_ rows: [Int32]) {
        matched.withUnsafeMutableBufferPointer { matched in
            for row in rows where row >= 0 { matched[Int(row)] = true }
        }
    }

    /// The lookup rows never matched.
    func unmatched() -> [Int32] {
        var rows: [Int32] = []
        for (row, hit) in matched.enumerated() where !hit { rows.append(Int32(truncatingIfNeeded: row)) }
        return rows
    }

    /// About how many bytes the state holds.
    var estimatedBytes: Int { matched.count + fields.reduce(0) { $0 + $1.utf8.count + 32 } }
}
