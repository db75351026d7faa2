import PostgresNIO
import SluiceCore

/// One change event of an `apply` batch, read from its record.
enum PostgresChangeEvent {
    /// insert or update: the row's new values (`after`, with `key`'s fields it lacks).
    case upsert(ValueObject)
    /// delete: the key values, in `keys` order.
    case delete([Value])
    case truncate

    /// The events in record `record` (an update that changed the key is a delete of the old
    /// key and an upsert of the new row), or the reason it is not one.
    static func parse(_ record: ValueObject, keys: [String]) -> Result<[PostgresChangeEvent], EventError> {
        guard case .string(let op)? = record["op"] else { return .failure(EventError("the record has no op (insert, update, delete or truncate)")) }
        let key = record["key"]?.objectValue
        switch op {
        case "insert", "update":
            guard case .object(var after)? = record["after"] else {
                return .failure(EventError("\(op) event without an after object"))
            }
            for name in keys where after[name] == nil {
                guard let value = key?[name] else { return .failure(EventError("\(op) event has no value for key '\(name)'")) }
                after.appendUnchecked(key: name, value: value)
            }
            if op == "update", let before = record["before"]?.objectValue {
                let oldKey = keys.map { before[$0] }
                if oldKey.allSatisfy({ $0 != nil }), oldKey != keys.map({ after[$0] }) {
                    return .success([.delete(oldKey.compactMap { $0 }), .upsert(after)])
                }
            }
            return .success([.upsert(after)])
        case "delete":
            var values: [Value] = []
            for name in keys {
                guard let value = key?[name] ?? record["before"]?.objectValue?[name] else {
                    return .failure(EventError("delete event has no value for key '\(name)'"))
                }
                values.append(value)
            }
            return .success([.delete(values)])
        case "truncate":
            return .success([.truncate])
        default:
            return .failure(EventError("unknown op '\(op)'; expected insert, update, delete or truncate"))
        }
    }

    /// The row's new values of an upsert.
    var after: ValueObject? {
        guard case .upsert(let after) = self else { return nil }
        return after
    }

    /// The key values of a delete.
    var key: [Value]? {
        guard case .delete(let key) = self else { return nil }
        return key
    }

    /// Why a record is not a change event.
    struct EventError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}

extension PostgresTableDialect {
    /// Applies a batch of change events in order. Consecutive upserts are written together
    /// (in runs of equal field sets), consecutive deletes with one statement per 1000 keys;
    /// a truncate empties the table where it comes. Records that are not change events are
    /// rejected.
    func applyEvents(_ batch: RecordBatch, writer: TableWriter<PostgresTableDialect>) async throws -> TableWriteOutcome {
        var outcome = TableWriteOutcome()
        var events: [(event: PostgresChangeEvent, row: Int)] = []
        for row in 0..<batch.count {
            let record = batch.record(at: row)
            switch PostgresChangeEvent.parse(record, keys: settings.keys) {
            case .success(let parsed): events += parsed.map { ($0, row) }
            case .failure(let error):
                outcome.rejected.append(Rejection(record: .object(record), reasons: [error.message], position: batch.positions[row], stage: "target"))
            }
        }
        let info: PostgresTableInfo
        if let existing = writer.columns {
            info = existing
        } else {
            let afters = events.compactMap(\.event.after)
            info = try await writer.table(samples: afters.isEmpty ? nil : RecordBatch(records: afters))
        }
        var index = 0
        while index < events.count {
            switch events[index].event {
            case .truncate:
                try await emptyTable()
                index += 1
            case .upsert:
                let run = events[index...].prefix { $0.event.after != nil }
                outcome += try await upsertAll(run.compactMap(\.event.after), rows: run.map(\.row), of: batch, into: info, writer: writer)
                index += run.count
            case .delete:
                let run = events[index...].prefix { $0.event.key != nil }
                outcome += try await deleteAll(run.compactMap(\.event.key), rows: run.map(\.row), of: batch)
                index += run.count
            }
        }
        outcome.rejected.sort { ($0.position ?? 0) < ($1.position ?? 0) }
        return outcome
    }

    /// Upserts the `after` objects of consecutive events, run by run.
    private func upsertAll(
        _ afters: [ValueObject], rows: [Int], of batch: RecordBatch, into info: PostgresTableInfo, writer: TableWriter<PostgresTableDialect>
    ) async throws -> TableWriteOutcome {
        let values = RecordBatch(records: afters, positions: rows.map { batch.positions[$0] })
        try writer.checkFields(of: values)
        var outcome = TableWriteOutcome()
        for run in values.fieldRuns {
            outcome += try await writeRun(values, rows: run.rows, fields: run.fields, upsert: true, into: info) { row in
                (.object(batch.record(at: rows[row])), batch.positions[rows[row]])
            }
        }
        return outcome
    }

    /// Deletes the rows with `keys`, up to 1000 per statement; when the server refuses a
    /// statement for a row's sake (a foreign key), one by one.
    private func deleteAll(_ keys: [[Value]], rows: [Int], of batch: RecordBatch) async throws -> TableWriteOutcome {
        var outcome = TableWriteOutcome()
        let single = PostgresStatements.delete(from: table, keys: settings.keys, rows: 1)
        for start in stride(from: 0, to: keys.count, by: 1000) {
            let chunk = Array(start..<min(keys.count, start + 1000))
            outcome += try await writeRows(
                chunk,
                bulk: {
                    var binds = PostgresBindings(capacity: chunk.count * self.settings.keys.count)
                    for offset in chunk { for value in keys[offset] { binds.appendText(value) } }
                    let sql = PostgresStatements.delete(from: self.table, keys: self.settings.keys, rows: chunk.count)
                    try await self.afterQueued { try await self.connection.run(sql, binds: binds, logger: self.logger) }
                    return 0
                },
                retryingLoneRow: true,
                single: { offset in
                    var binds = PostgresBindings(capacity: self.settings.keys.count)
                    for value in keys[offset] { binds.appendText(value) }
                    try await self.afterQueued { try await self.connection.run(single, binds: binds, logger: self.logger) }
                    return 0
                },
                reject: { offset, error in
                    self.rejection(of: .object(batch.record(at: rows[offset])), at: batch.positions[rows[offset]], for: error)
                })
        }
        return outcome
    }
}
