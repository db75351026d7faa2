import SluiceCore

/// Turns the `pgoutput` message stream of a slot into row changes: remembers each table's
/// layout from its Relation message and the current transaction from its Begin message,
/// and builds `key`, `before` and `after` from the tuples.
///
/// - `key`: the replica identity columns of the new row (insert, update) or the old row
///   (delete); null when the table has none. Under `REPLICA IDENTITY FULL` every column is
///   part of the identity, so there the table's primary key (when it has one, from
///   `primaryKeys`) is used instead.
/// - `before`: the whole old row under `REPLICA IDENTITY FULL`; otherwise the old key
///   columns of a delete, or of an update that changed the key; null otherwise.
/// - `after`: the new row of an insert or update.
/// - A TOASTed value an update did not change is not in the WAL: its column is left out of
///   `after` (absent, not null).
struct PostgresCDCChangeAssembler {
    /// What one message amounts to.
    enum Output: Equatable {
        /// Nothing to emit (Begin, Relation, Type, Origin, Message).
        case none
        /// Row changes, in order.
        case changes([PostgresCDCChange])
        /// The end of the transaction whose changes came before.
        case commit(PgOutputCommit)
    }

    private var relations: [UInt32: PgOutputRelation] = [:]
    /// Key column indexes by relation oid, computed when the Relation message arrives.
    private var keyColumns: [UInt32: [Int]] = [:]
    private var transaction: PgOutputBegin?
    private let primaryKeys: [PostgresCDCTableName: [String]]

    /// An assembler that uses `primaryKeys` (column names by table) as the key of tables
    /// with `REPLICA IDENTITY FULL`.
    init(primaryKeys: [PostgresCDCTableName: [String]] = [:]) {
        self.primaryKeys = primaryKeys
    }

    /// Applies the message found at `lsn`.
    mutating func apply(_ message: PgOutputMessage, lsn: PostgresCDCLSN) throws(PgOutputError) -> Output {
        switch message {
        case .begin(let begin):
            transaction = begin
            return .none
        case .commit(let commit):
            transaction = nil
            return .commit(commit)
        case .relation(let relation):
            relations[relation.oid] = relation
            keyColumns[relation.oid] = keyIndexes(relation)
            return .none
        case .origin, .type, .message:
            return .none
        case .insert(let oid, let new):
            let (relation, keys) = try table(oid)
            let after = try object(new, relation, nil)
            return .changes([try change(.insert, relation, key: try key(new, relation, keys), before: .null, after: after, lsn)])
        case .update(let oid, let old, let new):
            let (relation, keys) = try table(oid)
            var before = Value.null
            if let old {
                before = try object(old.tuple, relation, old.kind == .full ? nil : keys)
            }
            return .changes([try change(
                .update, relation, key: try key(new, relation, keys), before: before, after: try object(new, relation, nil), lsn)])
        case .delete(let oid, let old):
            let (relation, keys) = try table(oid)
            let before = try object(old.tuple, relation, old.kind == .full ? nil : keys)
            return .changes([try change(.delete, relation, key: try key(old.tuple, relation, keys), before: before, after: .null, lsn)])
        case .truncate(let oids, _):
            var changes: [PostgresCDCChange] = []
            for oid in oids {
                let (relation, _) = try table(oid)
                changes.append(try change(.truncate, relation, key: .null, before: .null, after: .null, lsn))
            }
            return .changes(changes)
        }
    }

    private func keyIndexes(_ relation: PgOutputRelation) -> [Int] {
        let name = PostgresCDCTableName(schema: relation.schema.isEmpty ? "pg_catalog" : relation.schema, table: relation.table)
        if relation.isReplicaIdentityFull, let primary = primaryKeys[name], !primary.isEmpty {
            let indexes = relation.columns.indices.filter { primary.contains(relation.columns[$0].name) }
            if indexes.count == primary.count { return indexes }
        }
        return relation.columns.indices.filter { relation.columns[$0].isKey }
    }

    private func table(_ oid: UInt32) throws(PgOutputError) -> (PgOutputRelation, [Int]) {
        guard let relation = relations[oid], let keys = keyColumns[oid] else {
            throw PgOutputError("change for relation \(oid) before its Relation message")
        }
        return (relation, keys)
    }

    private func change(
        _ operation: PostgresCDCChange.Operation, _ relation: PgOutputRelation, key: Value, before: Value, after: Value,
        _ lsn: PostgresCDCLSN
    ) throws(PgOutputError) -> PostgresCDCChange {
        guard let transaction else { throw PgOutputError("\(operation.rawValue) outside a transaction (no Begin message)") }
        return PostgresCDCChange(
            operation: operation, schema: relation.schema, table: relation.table, key: key, before: before, after: after,
            lsn: lsn, xid: transaction.xid, commitTime: transaction.commitTime)
    }

    private func key(_ tuple: PgOutputTuple, _ relation: PgOutputRelation, _ keys: [Int]) throws(PgOutputError) -> Value {
        keys.isEmpty ? .null : try object(tuple, relation, keys)
    }

    /// The columns `only` (all when nil) of `tuple` as an object, in table order.
    private func object(_ tuple: PgOutputTuple, _ relation: PgOutputRelation, _ only: [Int]?) throws(PgOutputError) -> Value {
        guard tuple.cells.count == relation.columns.count else {
            throw PgOutputError(
                "tuple of \(relation.schema).\(relation.table) has \(tuple.cells.count) columns, its Relation message \(relation.columns.count)")
        }
        var object = ValueObject()
        for index in only ?? Array(relation.columns.indices) {
            let column = relation.columns[index]
            switch tuple.cells[index] {
            case .null: object.appendUnchecked(key: column.name, value: .null)
            case .unchangedToast: continue
            case .text(let bytes): object.appendUnchecked(key: column.name, value: PgOutputTextValue.value(bytes, typeOID: column.typeOID))
            case .binary(let bytes): object.appendUnchecked(key: column.name, value: .string(Base64.encode(bytes)))
            }
        }
        return .object(object)
    }
}
