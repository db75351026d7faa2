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

    /// Why a record is not a change event.
    struct EventError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}

extension PostgresTargetWriter {
    /// Applies a batch of change events in order. Consecutive upserts are written together
    /// (in runs of equal field sets), consecutive deletes with one statement per 1000 keys;
    /// a truncate empties the table where it comes. Records that are not change events are
    /// rejected.
    func applyEvents(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        var rejected: [Rejection] = []
        var events: [(event: PostgresChangeEvent, row: Int)] = []
        for row in 0..<batch.count {
            let record = batch.record(at: row)
            switch PostgresChangeEvent.parse(record, keys: settings.keys) {
            case .success(let parsed): events += parsed.map { ($0, row) }
            case .failure(let error):
                rejected.append(Rejection(record: .object(record), reasons: [error.message], position: batch.positions[row], stage: "target"))
            }
        }
        if info == nil {
            let afters = events.compactMap { item -> ValueObject? in
                if case .upsert(let after) = item.event { return after }
                return nil
            }
            try await createTable(samples: afters.isEmpty ? nil : RecordBatch(records: afters))
        }
        var bytes = 0
        var index = 0
        while index < events.count {
            var end = index + 1
            switch events[index].event {
            case .truncate:
                try await run("TRUNCATE \(table.quoted)")
            case .upsert:
                var afters: [ValueObject] = []
                var rows: [Int] = []
                end = index
                while end < events.count, case .upsert(let after) = events[end].event {
                    afters.append(after)
                    rows.append(events[end].row)
                    end += 1
                }
                let outcome = try await upsertAll(afters, rows: rows, of: batch)
                bytes += outcome.bytes
                rejected += outcome.rejected
            case .delete:
                var keys: [[Value]] = []
                var rows: [Int] = []
                end = index
                while end < events.count, case .delete(let key) = events[end].event {
                    keys.append(key)
                    rows.append(events[end].row)
                    end += 1
                }
                rejected += try await deleteAll(keys, rows: rows, of: batch)
            }
            index = end
        }
        rejected.sort { ($0.position ?? 0) < ($1.position ?? 0) }
        return (bytes, rejected)
    }

    /// Upserts the `after` objects of consecutive events, run by run.
    private func upsertAll(_ afters: [ValueObject], rows: [Int], of batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        let values = RecordBatch(records: afters, positions: rows.map { batch.positions[$0] })
        try checkFields(of: values)
        var bytes = 0
        var rejected: [Rejection] = []
        for run in values.fieldRuns {
            let outcome = try await writeRun(values, rows: run.rows, fields: run.fields, upsert: true) { row in
                (.object(batch.record(at: rows[row])), batch.positions[rows[row]])
            }
            bytes += outcome.bytes
            rejected += outcome.rejected
        }
        return (bytes, rejected)
    }

    /// Deletes the rows with `keys`, up to 1000 per statement; when the server refuses a
    /// statement for a row's sake (a foreign key), one by one.
    private func deleteAll(_ keys: [[Value]], rows: [Int], of batch: RecordBatch) async throws -> [Rejection] {
        var rejected: [Rejection] = []
        var start = 0
        while start < keys.count {
            let end = min(keys.count, start + 1000)
            var binds = PostgresBindings(capacity: (end - start) * settings.keys.count)
            for key in keys[start..<end] { for value in key { binds.appendText(value) } }
            try await run("SAVEPOINT sluice_run")
            do {
                try await connection.run(PostgresStatements.delete(from: table, keys: settings.keys, rows: end - start), binds: binds, logger: logger)
                try await run("RELEASE SAVEPOINT sluice_run")
            } catch where PostgresStatements.isRowError(error) {
                try await run("ROLLBACK TO SAVEPOINT sluice_run")
                try await run("RELEASE SAVEPOINT sluice_run")
                let single = PostgresStatements.delete(from: table, keys: settings.keys, rows: 1)
                for offset in start..<end {
                    var one = PostgresBindings(capacity: settings.keys.count)
                    for value in keys[offset] { one.appendText(value) }
                    try await run("SAVEPOINT sluice_row")
                    do {
                        try await connection.run(single, binds: one, logger: logger)
                        try await run("RELEASE SAVEPOINT sluice_row")
                    } catch where PostgresStatements.isRowError(error) {
                        let row = rows[offset]
                        rejected.append(Rejection(
                            record: .object(batch.record(at: row)), reasons: [PostgresErrorText.describe(error)],
                            position: batch.positions[row], stage: "target"))
                        try await run("ROLLBACK TO SAVEPOINT sluice_row")
                        try await run("RELEASE SAVEPOINT sluice_row")
                    } catch {
                        throw failed(error)
                    }
                }
            } catch {
                throw failed(error)
            }
            start = end
        }
        return rejected
    }
}
