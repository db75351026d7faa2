import SluiceAvro
import SluiceCore
import SluiceFormats
import Testing

/// Values the writers under test do not produce: array and map blocks with byte sizes,
/// repeated map keys, unusable values that refuse their record, invalid logical types.
@Suite struct AvroValueDecoderTests {
    typealias B = AvroFileBuilder

    @Test func arrayAndMapBlocksWithByteSizes() throws {
        let schema = #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "array", "items": "long"}}, {"name": "m", "type": {"type": "map", "values": "string"}}, {"name": "z", "type": "int"}]}"#
        // a: a block of -2 items (4 bytes: 1, 2), then a block of 1 item (3), then the end;
        // m: a block of -1 entry with its size, then the end.
        let items = B.long(1) + B.long(-2)
        let entry = B.string("k") + B.string("v")
        let data = B.long(-2) + B.long(items.count) + items + B.long(1) + B.long(3) + B.long(0)
            + B.long(-1) + B.long(entry.count) + entry + B.long(0) + B.long(9)
        let decoded = try decodeAvro(B.file(schema: schema, blocks: [(1, data)]))
        #expect(decoded.rows == [["a": [1, -2, 3], "m": ["k": "v"], "z": 9]])
        var options = DecodeOptions()
        options.projection = ["z"]
        #expect(try decodeAvro(B.file(schema: schema, blocks: [(1, data)]), options: options).rows == [["z": 9]])
    }

    @Test func repeatedMapKeysKeepTheLastValue() throws {
        let schema = B.oneField(#"{"type": "map", "values": "long"}"#)
        var data = B.long(3) + B.string("a") + B.long(1) + B.string("b") + B.long(2) + B.string("a") + B.long(3)
        data += B.long(20)
        for k in 0..<20 { data += B.string("k\(k % 18)") + B.long(k) }
        data += B.long(0)
        let decoded = try decodeAvro(B.file(schema: schema, blocks: [(1, data)]))
        var expected = ValueObject([("a", 3), ("b", 2)])
        for k in 0..<18 { expected["k\(k)"] = .int(k < 2 ? k + 18 : k) }
        #expect(decoded.rows == [["v": .object(expected)]])
    }

    @Test func invalidUTF8RefusesTheRecordOrIsReplaced() throws {
        let schema = #"{"type": "record", "name": "R", "fields": [{"name": "s", "type": "string"}, {"name": "n", "type": {"type": "array", "items": "string"}}, {"name": "i", "type": "long"}]}"#
        let good = B.string("ok") + B.long(0) + B.long(1)
        let badTop = B.bytes([0x61, 0xC3, 0x28]) + B.long(0) + B.long(2)
        let badNested = B.string("x") + B.long(1) + B.bytes([0xED, 0xA0, 0x80]) + B.long(0) + B.long(3)
        let bytes = B.file(schema: schema, blocks: [(3, good + badTop + badNested), (1, good)])
        let decoded = try decodeAvro(bytes, options: DecodeOptions(batchSize: 2))
        #expect(decoded.rows == [["s": "ok", "n": [], "i": 1], ["s": "ok", "n": [], "i": 1]])
        #expect(decoded.positions == [1, 4])
        #expect(decoded.rejected.map(\.position) == [2, 3])
        #expect(decoded.rejected.map(\.reasons) == [
            ["record 2: invalid UTF-8 in field 's' at byte 1 of the field"],
            ["record 3: field 'n': invalid UTF-8 at byte 0 of a string (block data offset \(good.count + badTop.count + 4))"],
        ])
        #expect(decoded.rejected.first?.record == ["s": nil, "n": [], "i": 2])
        #expect(decoded.rejected.map(\.stage) == ["source", "source"])
        #expect(decoded.bytes == bytes.count)
        var options = DecodeOptions()
        options.invalidUTF8 = .replace
        let replaced = try decodeAvro(bytes, options: options)
        #expect(replaced.rejected.isEmpty)
        #expect(replaced.rows.map { $0.objectValue?["s"] } == ["ok", "a\u{FFFD}(", "x", "ok"])
        #expect(replaced.rows[2].objectValue?["n"] == ["\u{FFFD}\u{FFFD}\u{FFFD}"])
    }

    @Test func valuesBeyondTheTimestampRangeRefuseTheRecord() throws {
        let schema = #"{"type": "record", "name": "R", "fields": [{"name": "d", "type": {"type": "int", "logicalType": "date"}}, {"name": "t", "type": {"type": "long", "logicalType": "timestamp-millis"}}, {"name": "h", "type": {"type": "int", "logicalType": "time-millis"}}]}"#
        let data = B.long(Int(Int32.max)) + B.long(0) + B.long(0)
            + B.long(0) + B.long(Int.max / 10) + B.long(0)
            + B.long(-1) + B.long(-1) + B.long(86_400_000)
            + B.long(19_000) + B.long(1_700_000_000_123) + B.long(45_296_789)
        let decoded = try decodeAvro(B.file(schema: schema, blocks: [(4, data)]))
        #expect(decoded.rejected.map(\.reasons) == [
            ["record 1: field 'd': date 2147483647 days from 1970-01-01 is beyond the timestamp range"],
            ["record 2: field 't': timestamp-millis value \(Int.max / 10) is beyond the microsecond timestamp range"],
            ["record 3: field 'h': time-millis value 86400000 is not a time of day"],
        ])
        #expect(comparable(decoded.rows[0]) == ["d": ["$ts": .int(19_000 * 86_400_000_000)], "t": ["$ts": 1_700_000_000_123_000], "h": "12:34:56.789000"])
    }

    @Test func invalidOrUnknownLogicalTypesFallBackToTheUnderlyingType() throws {
        let schema = #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "bytes", "logicalType": "decimal", "precision": 2, "scale": 5}}, {"name": "b", "type": {"type": "int", "logicalType": "time-micros"}}, {"name": "c", "type": {"type": "fixed", "name": "F", "size": 2, "logicalType": "decimal", "precision": 9}}, {"name": "d", "type": {"type": "string", "logicalType": "something"}}, {"name": "e", "type": {"type": "fixed", "name": "G", "size": 4, "logicalType": "duration"}}]}"#
        let data = B.bytes([1, 2]) + B.long(7) + [0xFF, 0xFE] + B.string("x") + [1, 2, 3, 4]
        let decoded = try decodeAvro(B.file(schema: schema, blocks: [(1, data)]))
        #expect(decoded.rows == [["a": "AQI=", "b": 7, "c": "//4=", "d": "x", "e": "AQIDBA=="]])
        #expect(decoded.schema?.map(\.type) == [.binary, .integer(bits: 32, signed: true), .fixedBinary(length: 2), .string, .fixedBinary(length: 4)])
    }

    @Test func namespacesAndReferences() throws {
        let schema = #"""
{"type": "record", "name": "Outer", "namespace": "a.b", "fields": [
  {"name": "x", "type": {"type": "fixed", "name": "Id", "size": 2}},
  {"name": "y", "type": "Id"},
  {"name": "z", "type": "a.b.Id"},
  {"name": "w", "type": {"type": "record", "name": "c.Inner", "fields": [{"name": "q", "type": "a.b.Id"}, {"name": "r", "type": {"type": "enum", "name": "Kind", "symbols": ["P"]}}]}},
  {"name": "v", "type": "c.Kind"}]}
"""#
        let data: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 0, 0]
        let decoded = try decodeAvro(B.file(schema: schema, blocks: [(1, data)]))
        #expect(decoded.rows == [["x": "AQI=", "y": "AwQ=", "z": "BQY=", "w": ["q": "Bwg=", "r": "P"], "v": "P"]])
    }

    @Test func durationAndUUIDOnFixed() throws {
        let schema = #"{"type": "record", "name": "R", "fields": [{"name": "d", "type": {"type": "fixed", "name": "D", "size": 12, "logicalType": "duration"}}, {"name": "u", "type": {"type": "fixed", "name": "U", "size": 16, "logicalType": "uuid"}}, {"name": "s", "type": {"type": "string", "logicalType": "uuid"}}]}"#
        let data: [UInt8] = [1, 0, 0, 0, 2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF] + Array(0xA0...0xAF) + B.string("ABCDEF00-1111-2222-3333-444455556666")
        let decoded = try decodeAvro(B.file(schema: schema, blocks: [(1, data)]))
        #expect(decoded.rows == [["d": ["months": 1, "days": 2, "milliseconds": 4_294_967_295], "u": "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf", "s": "abcdef00-1111-2222-3333-444455556666"]])
    }
}
