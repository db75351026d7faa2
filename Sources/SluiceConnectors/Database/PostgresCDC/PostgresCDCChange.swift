import SluiceCore

/// One row change read from a replication slot, as it becomes a record.
struct PostgresCDCChange: Sendable, Equatable {
    /// What happened to the row.
    enum Operation: String, Sendable {
        case insert, update, delete, truncate
    }

    var operation: Operation
    var schema: String
    var table: String
    /// The replica identity key columns (object), or null (truncate, or a table without key).
    var key: Value
    /// The row before the change (object), or null.
    var before: Value
    /// The row after the change (object), or null.
    var after: Value
    /// The change's position in the WAL.
    var lsn: PostgresCDCLSN
    var xid: UInt32
    var commitTime: Timestamp
}

/// Collects changes into the columns of one ``RecordBatch``, fields in record order:
/// `op`, `schema`, `table`, `key`, `before`, `after`, `lsn`, `xid`, `commitTime`.
struct PostgresCDCBatchBuilder {
    /// The record fields, in order.
    static let fields = ["op", "schema", "table", "key", "before", "after", "lsn", "xid", "commitTime"]

    private var columns: [ColumnBuilder]
    private(set) var count = 0

    init(capacity: Int) {
        columns = Array(repeating: ColumnBuilder(capacity: capacity), count: Self.fields.count)
    }

    mutating func append(_ change: PostgresCDCChange) {
        columns[0].appendString(change.operation.rawValue)
        columns[1].appendString(change.schema)
        columns[2].appendString(change.table)
        columns[3].append(change.key)
        columns[4].append(change.before)
        columns[5].append(change.after)
        columns[6].appendString(change.lsn.description)
        columns[7].appendInt(Int(change.xid))
        columns[8].append(.timestamp(change.commitTime))
        count += 1
    }

    /// The batch, its rows numbered from `firstPosition`.
    func build(firstPosition: Int) -> RecordBatch {
        RecordBatch(
            fields: Self.fields, columns: columns.map { $0.build() },
            positions: Array(firstPosition..<(firstPosition + count)))
    }
}
