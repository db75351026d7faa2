import SluiceCore
import Testing

@testable import SluiceConnectors

@Suite struct PostgresCDCChangeAssemblerTests {
    static let commitTime = Timestamp(microseconds: 1_700_000_000_000_000)
    static let begin = PgOutputMessage.begin(PgOutputBegin(finalLSN: PostgresCDCLSN(0x500), commitTime: commitTime, xid: 77))

    /// `public.acct (id int4 key, name text, doc jsonb)` with the given replica identity.
    static func relation(oid: UInt32 = 1, identity: Character = "d", allKeys: Bool = false) -> PgOutputMessage {
        .relation(PgOutputRelation(oid: oid, schema: "public", table: "acct", replicaIdentity: identity.asciiValue ?? 0, columns: [
            .init(name: "id", typeOID: 23, typeModifier: -1, isKey: true),
            .init(name: "name", typeOID: 25, typeModifier: -1, isKey: allKeys),
            .init(name: "doc", typeOID: 3802, typeModifier: -1, isKey: allKeys),
        ]))
    }

    static func tuple(_ cells: [String?], unchanged: Int? = nil) -> PgOutputTuple {
        PgOutputTuple(cells: cells.enumerated().map { index, cell in
            if index == unchanged { return .unchangedToast }
            return cell.map { .text(Array($0.utf8)) } ?? .null
        })
    }

    func change(_ op: PostgresCDCChange.Operation, key: Value, before: Value, after: Value, lsn: UInt64) -> PostgresCDCChange {
        PostgresCDCChange(
            operation: op, schema: "public", table: "acct", key: key, before: before, after: after, lsn: PostgresCDCLSN(lsn), xid: 77,
            commitTime: Self.commitTime)
    }

    @Test func defaultIdentity() throws {
        var assembler = PostgresCDCChangeAssembler()
        #expect(try assembler.apply(Self.relation(), lsn: PostgresCDCLSN(0x100)) == .none)
        #expect(try assembler.apply(Self.begin, lsn: PostgresCDCLSN(0x100)) == .none)
        let insert = try assembler.apply(.insert(relation: 1, new: Self.tuple(["1", "ann", "{\"a\":1}"])), lsn: PostgresCDCLSN(0x110))
        #expect(insert == .changes([change(.insert, key: ["id": 1], before: nil, after: ["id": 1, "name": "ann", "doc": ["a": 1]], lsn: 0x110)]))
        let update = try assembler.apply(.update(relation: 1, old: nil, new: Self.tuple(["1", "bob", nil], unchanged: 2)), lsn: PostgresCDCLSN(0x120))
        #expect(update == .changes([change(.update, key: ["id": 1], before: nil, after: ["id": 1, "name": "bob"], lsn: 0x120)]))
        let rekey = try assembler.apply(
            .update(relation: 1, old: PgOutputOldTuple(kind: .key, tuple: Self.tuple(["1", nil, nil])), new: Self.tuple(["2", "bob", nil])),
            lsn: PostgresCDCLSN(0x130))
        #expect(rekey == .changes([change(.update, key: ["id": 2], before: ["id": 1], after: ["id": 2, "name": "bob", "doc": nil], lsn: 0x130)]))
        let delete = try assembler.apply(.delete(relation: 1, old: PgOutputOldTuple(kind: .key, tuple: Self.tuple(["2", nil, nil]))), lsn: PostgresCDCLSN(0x140))
        #expect(delete == .changes([change(.delete, key: ["id": 2], before: ["id": 2], after: nil, lsn: 0x140)]))
        let commit = PgOutputCommit(flags: 0, commitLSN: PostgresCDCLSN(0x150), endLSN: PostgresCDCLSN(0x180), commitTime: Self.commitTime)
        #expect(try assembler.apply(.commit(commit), lsn: PostgresCDCLSN(0x180)) == .commit(commit))
    }

    @Test func fullIdentityUsesThePrimaryKey() throws {
        var assembler = PostgresCDCChangeAssembler(primaryKeys: [PostgresCDCTableName(schema: "public", table: "acct"): ["id"]])
        _ = try assembler.apply(Self.relation(identity: "f", allKeys: true), lsn: PostgresCDCLSN(0x100))
        _ = try assembler.apply(Self.begin, lsn: PostgresCDCLSN(0x100))
        let update = try assembler.apply(
            .update(relation: 1, old: PgOutputOldTuple(kind: .full, tuple: Self.tuple(["1", "ann", nil])), new: Self.tuple(["1", "bob", nil])),
            lsn: PostgresCDCLSN(0x120))
        #expect(update == .changes([change(
            .update, key: ["id": 1], before: ["id": 1, "name": "ann", "doc": nil], after: ["id": 1, "name": "bob", "doc": nil], lsn: 0x120)]))
        let delete = try assembler.apply(.delete(relation: 1, old: PgOutputOldTuple(kind: .full, tuple: Self.tuple(["1", "bob", "[]"]))), lsn: PostgresCDCLSN(0x140))
        #expect(delete == .changes([change(.delete, key: ["id": 1], before: ["id": 1, "name": "bob", "doc": []], after: nil, lsn: 0x140)]))
    }

    @Test func fullIdentityWithoutPrimaryKeyKeysOnEveryColumn() throws {
        var assembler = PostgresCDCChangeAssembler()
        _ = try assembler.apply(Self.relation(identity: "f", allKeys: true), lsn: PostgresCDCLSN(0x100))
        _ = try assembler.apply(Self.begin, lsn: PostgresCDCLSN(0x100))
        let insert = try assembler.apply(.insert(relation: 1, new: Self.tuple(["1", "ann", nil])), lsn: PostgresCDCLSN(0x110))
        #expect(insert == .changes([change(
            .insert, key: ["id": 1, "name": "ann", "doc": nil], before: nil, after: ["id": 1, "name": "ann", "doc": nil], lsn: 0x110)]))
    }

    @Test func tableWithoutKeyHasNullKey() throws {
        var assembler = PostgresCDCChangeAssembler()
        _ = try assembler.apply(.relation(PgOutputRelation(oid: 3, schema: "public", table: "acct", replicaIdentity: UInt8(ascii: "n"), columns: [
            .init(name: "v", typeOID: 25, typeModifier: -1, isKey: false)
        ])), lsn: PostgresCDCLSN(1))
        _ = try assembler.apply(Self.begin, lsn: PostgresCDCLSN(1))
        #expect(try assembler.apply(.insert(relation: 3, new: Self.tuple(["x"])), lsn: PostgresCDCLSN(2))
            == .changes([change(.insert, key: nil, before: nil, after: ["v": "x"], lsn: 2)]))
    }

    @Test func truncateGivesOneChangePerTable() throws {
        var assembler = PostgresCDCChangeAssembler()
        _ = try assembler.apply(Self.relation(oid: 1), lsn: PostgresCDCLSN(1))
        _ = try assembler.apply(.relation(PgOutputRelation(oid: 2, schema: "s", table: "other", replicaIdentity: UInt8(ascii: "d"), columns: [])), lsn: PostgresCDCLSN(1))
        _ = try assembler.apply(Self.begin, lsn: PostgresCDCLSN(1))
        let truncate = try assembler.apply(.truncate(relations: [2, 1], options: 0), lsn: PostgresCDCLSN(0x200))
        var other = change(.truncate, key: nil, before: nil, after: nil, lsn: 0x200)
        other.schema = "s"
        other.table = "other"
        #expect(truncate == .changes([other, change(.truncate, key: nil, before: nil, after: nil, lsn: 0x200)]))
    }

    @Test func rejectsInconsistentStreams() throws {
        var assembler = PostgresCDCChangeAssembler()
        #expect(throws: PgOutputError("change for relation 1 before its Relation message")) {
            try assembler.apply(.insert(relation: 1, new: Self.tuple(["1", nil, nil])), lsn: PostgresCDCLSN(1))
        }
        _ = try assembler.apply(Self.relation(), lsn: PostgresCDCLSN(1))
        #expect(throws: PgOutputError("insert outside a transaction (no Begin message)")) {
            try assembler.apply(.insert(relation: 1, new: Self.tuple(["1", nil, nil])), lsn: PostgresCDCLSN(1))
        }
        _ = try assembler.apply(Self.begin, lsn: PostgresCDCLSN(1))
        #expect(throws: PgOutputError("tuple of public.acct has 1 columns, its Relation message 3")) {
            try assembler.apply(.insert(relation: 1, new: Self.tuple(["1"])), lsn: PostgresCDCLSN(1))
        }
    }
}
