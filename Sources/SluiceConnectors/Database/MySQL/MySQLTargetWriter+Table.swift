import SluiceCore

extension MySQLTargetWriter {
    /// Fails when the records have fields the table has no column for.
    func checkFields(_ used: [String]) throws {
        let have = Set((columns ?? []).map { $0.lowercased() })
        var seen = Set<String>()
        let missing = used.filter { !have.contains($0.lowercased()) && seen.insert($0).inserted }
        guard missing.isEmpty else {
            throw ConnectorError.io(
                "table '\(settings.table)' of \(location) has no column for the field"
                    + "\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")); "
                    + "add the column (ALTER TABLE … ADD COLUMN) or drop the field")
        }
    }

    /// Creates the missing table: the schema's fields first (number → BIGINT when the batch
    /// holds only ints there, else DOUBLE), then the batch's other fields typed from their
    /// values; PRIMARY KEY on `keys`.
    func createTable(for batch: RecordBatch?) async throws {
        guard settings.createTable else {
            throw ConnectorError.io("\(location) has no table '\(settings.table)' and createTable is false")
        }
        var definitions: [(name: String, kind: DatabaseColumnKind)] = []
        func samples(_ name: String) -> [Value] {
            guard let batch, let index = batch.index(of: name) else { return [] }
            return (0..<batch.count).map { batch.value(row: $0, column: index) }
        }
        if settings.mode != .apply {
            for field in schema?.fields ?? [] {
                definitions.append((field.name, DatabaseColumnKind.forField(field.type, samples: samples(field.name))))
            }
        }
        let declared = Set(definitions.map { $0.name.lowercased() })
        for name in batch?.fields ?? [] where !declared.contains(name.lowercased()) {
            definitions.append((name, DatabaseColumnKind.infer(from: samples(name))))
        }
        guard !definitions.isEmpty else {
            throw ConnectorError.io("cannot create table '\(settings.table)': the records have no fields")
        }
        let have = Set(definitions.map { $0.name.lowercased() })
        let missingKeys = settings.keys.filter { !have.contains($0.lowercased()) }
        guard missingKeys.isEmpty else {
            throw ConnectorError.io(
                "cannot create table '\(settings.table)': key \(missingKeys.map { "'\($0)'" }.joined(separator: ", ")) is not a field of the records")
        }
        try await run(MySQLStatements.createTable(settings.table, columns: definitions, keys: settings.keys))
        columns = definitions.map(\.name)
    }
}
