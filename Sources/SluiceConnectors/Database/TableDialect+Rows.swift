import SluiceCore

extension TableDialect {
    /// Runs `body` inside savepoint `name`: released when it succeeds; rolled back when the
    /// database refuses a row, the database's error then rethrown as it is; any other error
    /// becomes a job-level error.
    func inSavepoint(_ name: String, _ body: () async throws -> Void) async throws {
        try await run("SAVEPOINT \(name)")
        do {
            try await body()
        } catch where isRowError(error) {
            try await rollBack(toSavepoint: name)
            throw error
        } catch {
            throw failed(error)
        }
        try await run("RELEASE SAVEPOINT \(name)")
    }

    /// Writes `rows` with one statement (`bulk`, which returns the bytes written) inside a
    /// savepoint; when the database refuses that for a row's sake (or there is no `bulk`),
    /// writes them one by one with `single`, each inside its own savepoint, so the good rows
    /// land and each refused row becomes the rejection `reject` makes of it with the
    /// database's error. A lone row refused in bulk is rejected at once, unless
    /// `retryingLoneRow` (where the single statement may say it differently).
    func writeRows<Row>(
        _ rows: [Row], bulk: (() async throws -> Int)?, retryingLoneRow: Bool = false,
        single: (Row) async throws -> Int, reject: (Row, any Error) -> Rejection
    ) async throws -> TableWriteOutcome {
        if let bulk {
            var bytes = 0
            do {
                try await inSavepoint("sluice_batch") { bytes = try await bulk() }
                return TableWriteOutcome(bytes: bytes)
            } catch where isRowError(error) {
                if rows.count == 1, !retryingLoneRow, let row = rows.first {
                    return TableWriteOutcome(rejected: [reject(row, error)])
                }
            }
        }
        var outcome = TableWriteOutcome()
        for row in rows {
            do {
                try await inSavepoint("sluice_row") { outcome.bytes += try await single(row) }
            } catch where isRowError(error) {
                outcome.rejected.append(reject(row, error))
            }
        }
        return outcome
    }

    /// The rejection of `record` (at `position` in its source) with the database's message.
    func rejection(of record: Value, at position: Int?, for error: any Error) -> Rejection {
        Rejection(record: record, reasons: [reason(for: error)], position: position, stage: "target")
    }
}
