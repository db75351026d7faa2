import SluiceCore

/// How a database target treats rows that may already be in its table.
public enum DatabaseWriteMode: String, Decodable, Sendable, CaseIterable {
    /// Add every record as a new row (plain `INSERT`).
    case insert
    /// Insert, or update the row with the same `keys`; only the columns present in the
    /// records are updated.
    case upsert
    /// Delete every row, then load: always one transaction for the whole job, committed at
    /// the end (whatever ``DatabaseCommitScope`` says, a half-loaded table is never shown).
    case replace
    /// Apply change events (the records of a `postgres_cdc` source: `op`, `key`, `before`,
    /// `after`) to a replica table in order: `insert` and `update` upsert `after` on `keys`,
    /// `delete` deletes the row with `key`, `truncate` empties the table.
    case apply

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let mode = DatabaseWriteMode(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown mode '\(raw)'; expected one of \(DatabaseWriteMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = mode
    }
}

/// The write settings every database target shares (`table`, `mode`, `keys`,
/// `createTable`, `commit`), checked once.
public struct DatabaseWriteSettings: Sendable, Equatable {
    /// The table written to.
    public var table: String
    /// How existing rows are treated.
    public var mode: DatabaseWriteMode
    /// The columns that identify a row (required for upsert; when the target creates the
    /// table it also makes them a unique index in every mode).
    public var keys: [String]
    /// Whether a missing table is created.
    public var createTable: Bool
    /// When the rows become visible: once for the whole job (the default) or batch by batch.
    public var commit: DatabaseCommitScope

    /// Validates the settings; errors carry paths relative to `config`.
    public init(
        table: String, mode: DatabaseWriteMode?, keys: [String]?, createTable: Bool?, commit: DatabaseCommitScope? = nil
    ) throws(SpecError) {
        try SQLIdentifier.validate(table, at: "table")
        let mode = mode ?? .insert
        if let keys {
            if keys.isEmpty { throw SpecError(path: "keys", "must name at least one column") }
            try SQLIdentifier.validate(keys, at: "keys")
        } else if mode == .upsert || mode == .apply {
            throw SpecError(path: "keys", "\(mode.rawValue) needs the key columns that identify a row, e.g. [\"id\"]")
        }
        self.table = table
        self.mode = mode
        self.keys = keys ?? []
        self.createTable = createTable ?? true
        self.commit = commit ?? .job
        if self.commit == .batch, mode == .replace {
            throw SpecError(
                path: "commit",
                "replace empties the table and loads it in one transaction, so the old rows stay until the new ones are all in; "
                    + "use commit \"job\" (the default) with replace")
        }
    }

    /// Whether one transaction holds the whole job, committed by ``TargetWriter/commit()``:
    /// with commit `job`, in replace mode, and when the job needs it (`atomicWrites`, set
    /// for incremental jobs, whose watermark must be saved with the rows).
    public func oneTransaction(atomicWrites: Bool) -> Bool {
        commit == .job || mode == .replace || atomicWrites
    }
}
