import SluiceCore
import SluiceMySQLWire

/// Apply mode of a ``MySQLTarget``: change events (`op`, `key`, `before`, `after`, as a
/// `postgres_cdc` source makes them) applied to the table in order.
///
/// - `insert`, `update` (also `c`, `u`, `r`): upsert of `after` on the keys; an update
///   whose `key` (or `before`) has other key values than `after` first deletes the row under
///   the old key.
/// - `delete` (also `d`): `DELETE … WHERE` the keys equal `key`'s values (`before`'s when
///   there is no `key`).
/// - `truncate`: `DELETE FROM` the table (inside the transaction).
///
/// Consecutive upserts with the same fields go in one multi-row statement. An event that
/// is malformed (no `op`, no `after`, a missing key value) or that the server refuses
/// becomes a rejection; the others are applied.
enum MySQLChangeEvents {
    /// The `after` objects of the upsert events, as a batch (to create a missing table from).
    static func afterImages(_ batch: RecordBatch) -> RecordBatch {
        var records: [ValueObject] = []
        for row in 0..<batch.count {
            let event = batch.record(at: row)
            if let after = event["after"]?.objectValue { records.append(after) }
        }
        return RecordBatch(records: records)
    }

    /// Applies the change events of `batch` in order, inside the open transaction.
    static func apply(
        _ batch: RecordBatch, dialect: MySQLTableDialect, writer: TableWriter<MySQLTableDialect>
    ) async throws -> TableWriteOutcome {
        let settings = dialect.settings
        var outcome = TableWriteOutcome()
        var run: (fields: [String], rows: [MySQLTableDialect.PendingRow])?

        func flush() async throws {
            guard let pending = run else { return }
            run = nil
            outcome += try await dialect.insert(pending.rows, fields: pending.fields, upsert: true)
        }

        for row in 0..<batch.count {
            let event = batch.record(at: row)
            let position = batch.positions[row]
            func refuse(_ reason: String) {
                outcome.rejected.append(Rejection(record: .object(event), reasons: [reason], position: position, stage: "target"))
            }
            switch event["op"]?.stringValue?.lowercased() {
            case "insert"?, "update"?, "c"?, "u"?, "r"?:
                guard let after = event["after"]?.objectValue else {
                    refuse("change event '\(event["op"]?.stringValue ?? "")' has no 'after' object")
                    continue
                }
                let fields = after.keys
                try writer.checkFields(fields)
                if let old = event["key"]?.objectValue ?? event["before"]?.objectValue,
                    settings.keys.contains(where: { old[$0] != nil && old[$0] != after[$0] })
                {
                    // The update changed the key: the row under the old key goes first.
                    try await flush()
                    let values = settings.keys.map { MySQLValueMapping.bind(old[$0] ?? .null) }
                    do {
                        try await dialect.inSavepoint("sluice_row") {
                            try await dialect.executePrepared(MySQLStatements.deleteByKeys(table: settings.table, keys: settings.keys), values)
                        }
                    } catch where dialect.isRowError(error) {
                        outcome.rejected.append(dialect.reject(.init(position: position, record: .object(event), values: values), error: error))
                        continue
                    }
                }
                let pending = MySQLTableDialect.PendingRow(
                    position: position, record: .object(event), values: after.values.map(MySQLValueMapping.bind))
                if run?.fields == fields {
                    run?.rows.append(pending)
                } else {
                    try await flush()
                    run = (fields, [pending])
                }
            case "delete"?, "d"?:
                try await flush()
                guard let key = event["key"]?.objectValue ?? event["before"]?.objectValue else {
                    refuse("delete event has no 'key' object")
                    continue
                }
                var values: [MySQLBind] = []
                var missing: [String] = []
                for name in settings.keys {
                    if let value = key[name], !value.isNull { values.append(MySQLValueMapping.bind(value)) } else { missing.append(name) }
                }
                guard missing.isEmpty else {
                    refuse("delete event's key has no value for \(missing.map { "'\($0)'" }.joined(separator: ", "))")
                    continue
                }
                do {
                    try await dialect.inSavepoint("sluice_row") {
                        try await dialect.executePrepared(MySQLStatements.deleteByKeys(table: settings.table, keys: settings.keys), values)
                    }
                    outcome.bytes += values.reduce(0) { $0 + $1.wireSize }
                } catch where dialect.isRowError(error) {
                    outcome.rejected.append(dialect.reject(.init(position: position, record: .object(event), values: values), error: error))
                }
            case "truncate"?, "t"?:
                try await flush()
                try await dialect.emptyTable()
            default:
                try await flush()
                let found = event["op"].map { $0.description } ?? "none"
                refuse("change event has no known 'op' (expected insert, update, delete or truncate), found \(found)")
            }
        }
        try await flush()
        return outcome
    }
}
