import SluiceCore
import Testing

@testable import SluiceConnectors

@Suite struct PostgresCDCDecoderTests {
    /// 2024-01-02T03:04:05.123456Z in microseconds since 2000-01-01.
    static let commitMicros: UInt64 = 757_479_845_123_456
    static let commitTime = Timestamp(iso8601: "2024-01-02T03:04:05.123456Z")

    @Test func begin() throws {
        let bytes = PgOutputBytes("B").int64(0x1_016B_3748).int64(Self.commitMicros).int32(4_000_000_123).bytes
        let commitTime = try #require(Self.commitTime)
        #expect(try PgOutputDecoder.decode(bytes)
            == .begin(PgOutputBegin(finalLSN: PostgresCDCLSN(0x1_016B_3748), commitTime: commitTime, xid: 4_000_000_123)))
    }

    @Test func commit() throws {
        let bytes = PgOutputBytes("C").int8(0).int64(0x16B_3748).int64(0x16B_3780).int64(Self.commitMicros).bytes
        let commitTime = try #require(Self.commitTime)
        #expect(try PgOutputDecoder.decode(bytes)
            == .commit(PgOutputCommit(flags: 0, commitLSN: PostgresCDCLSN(0x16B_3748), endLSN: PostgresCDCLSN(0x16B_3780), commitTime: commitTime)))
    }

    @Test func relation() throws {
        let builder = PgOutputBytes("R").int32(16_384).string("sales").string("orders").byte("d").int16(3)
        builder.int8(1).string("id").int32(20).int32(UInt32(bitPattern: -1))
        builder.int8(0).string("naïve name").int32(1043).int32(54)
        builder.int8(0).string("doc").int32(3802).int32(UInt32(bitPattern: -1))
        let relation = PgOutputRelation(oid: 16_384, schema: "sales", table: "orders", replicaIdentity: UInt8(ascii: "d"), columns: [
            .init(name: "id", typeOID: 20, typeModifier: -1, isKey: true),
            .init(name: "naïve name", typeOID: 1043, typeModifier: 54, isKey: false),
            .init(name: "doc", typeOID: 3802, typeModifier: -1, isKey: false),
        ])
        #expect(try PgOutputDecoder.decode(builder.bytes) == .relation(relation))
        #expect(relation.isReplicaIdentityFull == false)
    }

    @Test func insertWithNullAndUnchangedToast() throws {
        let bytes = PgOutputBytes("I").int32(16_384).byte("N").tuple(["42", nil, "\u{0}u", ""]).bytes
        #expect(try PgOutputDecoder.decode(bytes)
            == .insert(relation: 16_384, new: PgOutputTuple(cells: [.text(Array("42".utf8)), .null, .unchangedToast, .text([])])))
    }

    @Test func updateWithOldRow() throws {
        let bytes = PgOutputBytes("U").int32(7).byte("O").tuple(["1", "old"]).byte("N").tuple(["1", "new"]).bytes
        #expect(try PgOutputDecoder.decode(bytes) == .update(
            relation: 7, old: PgOutputOldTuple(kind: .full, tuple: PgOutputTuple(cells: [.text(Array("1".utf8)), .text(Array("old".utf8))])),
            new: PgOutputTuple(cells: [.text(Array("1".utf8)), .text(Array("new".utf8))])))
    }

    @Test func updateWithOldKey() throws {
        let bytes = PgOutputBytes("U").int32(7).byte("K").tuple(["1", nil]).byte("N").tuple(["2", "x"]).bytes
        #expect(try PgOutputDecoder.decode(bytes) == .update(
            relation: 7, old: PgOutputOldTuple(kind: .key, tuple: PgOutputTuple(cells: [.text(Array("1".utf8)), .null])),
            new: PgOutputTuple(cells: [.text(Array("2".utf8)), .text(Array("x".utf8))])))
    }

    @Test func updateWithoutOld() throws {
        let bytes = PgOutputBytes("U").int32(7).byte("N").tuple(["2"]).bytes
        #expect(try PgOutputDecoder.decode(bytes) == .update(relation: 7, old: nil, new: PgOutputTuple(cells: [.text(Array("2".utf8))])))
    }

    @Test func deleteWithKeyAndWithOldRow() throws {
        let key = PgOutputBytes("D").int32(9).byte("K").tuple(["5", nil]).bytes
        #expect(try PgOutputDecoder.decode(key)
            == .delete(relation: 9, old: PgOutputOldTuple(kind: .key, tuple: PgOutputTuple(cells: [.text(Array("5".utf8)), .null]))))
        let full = PgOutputBytes("D").int32(9).byte("O").tuple(["5", "e"]).bytes
        #expect(try PgOutputDecoder.decode(full) == .delete(
            relation: 9, old: PgOutputOldTuple(kind: .full, tuple: PgOutputTuple(cells: [.text(Array("5".utf8)), .text(Array("e".utf8))]))))
    }

    @Test func truncate() throws {
        let bytes = PgOutputBytes("T").int32(2).int8(3).int32(16_384).int32(16_390).bytes
        #expect(try PgOutputDecoder.decode(bytes) == .truncate(relations: [16_384, 16_390], options: 3))
    }

    @Test func typeOriginAndMessage() throws {
        #expect(try PgOutputDecoder.decode(PgOutputBytes("Y").int32(70_000).string("public").string("mood").bytes)
            == .type(oid: 70_000, schema: "public", name: "mood"))
        #expect(try PgOutputDecoder.decode(PgOutputBytes("O").int64(0x20).string("node_a").bytes)
            == .origin(commitLSN: PostgresCDCLSN(0x20), name: "node_a"))
        let message = PgOutputBytes("M").int8(1).int64(0x30).string("app").int32(3)
        message.byte("a").byte("b").byte("c")
        #expect(try PgOutputDecoder.decode(message.bytes)
            == .message(transactional: true, lsn: PostgresCDCLSN(0x30), prefix: "app", content: Array("abc".utf8)))
    }

    @Test func rejectsMalformedMessages() {
        #expect(throws: PgOutputError("message ends at byte 1 where an Int64 was expected")) {
            try PgOutputDecoder.decode(PgOutputBytes("B").int32(1).bytes)
        }
        #expect(throws: PgOutputError("unknown message type 'S'")) { try PgOutputDecoder.decode(PgOutputBytes("S").int32(1).bytes) }
        #expect(throws: PgOutputError("'I' message has extra bytes after byte 14")) {
            try PgOutputDecoder.decode(PgOutputBytes("I").int32(1).byte("N").tuple(["1"]).int8(0).bytes)
        }
        #expect(throws: PgOutputError("insert message has 'O' where N was expected")) {
            try PgOutputDecoder.decode(PgOutputBytes("I").int32(1).byte("O").tuple(["1"]).bytes)
        }
        #expect(throws: PgOutputError("unknown tuple column kind 'x'")) {
            try PgOutputDecoder.decode(PgOutputBytes("I").int32(1).byte("N").int16(1).byte("x").bytes)
        }
        #expect(throws: PgOutputError("message ends at byte 0 where a byte was expected")) { try PgOutputDecoder.decode([]) }
    }

    @Test func lsnText() {
        #expect(PostgresCDCLSN("0/16B3748") == PostgresCDCLSN(0x16B_3748))
        #expect(PostgresCDCLSN("A/0")?.value == 0xA_0000_0000)
        #expect(PostgresCDCLSN(0x1_016B_3748).description == "1/16B3748")
        #expect(PostgresCDCLSN(0).description == "0/0")
        #expect(PostgresCDCLSN("16B3748") == nil)
        #expect(PostgresCDCLSN("0/") == nil)
        #expect(PostgresCDCLSN("1/123456789") == nil)
        #expect(PostgresCDCLSN("0/16B3748")! < PostgresCDCLSN("1/0")!)
    }
}
