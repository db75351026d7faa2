import SluiceCore

/// One message of PostgreSQL's `pgoutput` logical decoding plugin (protocol version 1), as
/// ``PgOutputDecoder`` reads it. Each row of `pg_logical_slot_peek_binary_changes` holds one.
enum PgOutputMessage: Sendable, Equatable {
    /// `B`: a transaction starts.
    case begin(PgOutputBegin)
    /// `C`: the transaction ends.
    case commit(PgOutputCommit)
    /// `O`: the transaction was replicated from another origin.
    case origin(commitLSN: PostgresCDCLSN, name: String)
    /// `R`: the layout of a table, sent before its first change in a session (and again
    /// when it changes).
    case relation(PgOutputRelation)
    /// `Y`: the name of a non-built-in type used by a later relation.
    case type(oid: UInt32, schema: String, name: String)
    /// `I`: a new row.
    case insert(relation: UInt32, new: PgOutputTuple)
    /// `U`: a changed row; `old` is there when the key changed (`K`, key columns only) or
    /// the table has `REPLICA IDENTITY FULL` (`O`, the whole old row).
    case update(relation: UInt32, old: PgOutputOldTuple?, new: PgOutputTuple)
    /// `D`: a deleted row, its key (`K`) or its whole old row (`O`).
    case delete(relation: UInt32, old: PgOutputOldTuple)
    /// `T`: tables emptied by one `TRUNCATE`; `options` has bit 1 for `CASCADE` and bit 2 for
    /// `RESTART IDENTITY`.
    case truncate(relations: [UInt32], options: UInt8)
    /// `M`: a message written with `pg_logical_emit_message` (only sent when asked for).
    case message(transactional: Bool, lsn: PostgresCDCLSN, prefix: String, content: [UInt8])
}

/// The `B` message: Int64 final LSN of the transaction, Int64 commit time (microseconds
/// since 2000-01-01 UTC), Int32 transaction id.
struct PgOutputBegin: Sendable, Equatable {
    var finalLSN: PostgresCDCLSN
    var commitTime: Timestamp
    var xid: UInt32
}

/// The `C` message: Int8 flags (unused), Int64 LSN of the commit record, Int64 end LSN of
/// the transaction, Int64 commit time.
struct PgOutputCommit: Sendable, Equatable {
    var flags: UInt8
    var commitLSN: PostgresCDCLSN
    var endLSN: PostgresCDCLSN
    var commitTime: Timestamp
}

/// The `R` message: Int32 relation oid, String schema (empty for `pg_catalog`), String
/// table, Int8 replica identity (`relreplident`: `d` default, `n` nothing, `f` full, `i`
/// index), Int16 column count, then per column Int8 flags (1: part of the replica identity
/// key), String name, Int32 type oid, Int32 type modifier.
struct PgOutputRelation: Sendable, Equatable {
    /// One column of a relation.
    struct Column: Sendable, Equatable {
        var name: String
        var typeOID: UInt32
        var typeModifier: Int32
        /// Whether the column is part of the replica identity (every column under `FULL`).
        var isKey: Bool
    }

    var oid: UInt32
    var schema: String
    var table: String
    /// `relreplident` as a character: `d`, `n`, `f` or `i`.
    var replicaIdentity: UInt8
    var columns: [Column]

    /// Whether the table has `REPLICA IDENTITY FULL`.
    var isReplicaIdentityFull: Bool { replicaIdentity == UInt8(ascii: "f") }
}

/// TupleData: Int16 column count, then per column a kind byte: `n` null, `u` unchanged
/// TOASTed value (not sent), `t` text (Int32 length, bytes), `b` binary (Int32 length,
/// bytes; only with the `binary` option, which Sluice does not use).
struct PgOutputTuple: Sendable, Equatable {
    /// One column's value in a tuple.
    enum Cell: Sendable, Equatable {
        case null
        case unchangedToast
        case text([UInt8])
        case binary([UInt8])
    }

    var cells: [Cell]
}

/// The old row of an update or delete.
struct PgOutputOldTuple: Sendable, Equatable {
    /// `K` (the replica identity key columns, others null) or `O` (the whole row).
    enum Kind: Sendable, Equatable {
        case key
        case full
    }

    var kind: Kind
    var tuple: PgOutputTuple
}
