import SluiceAvro
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

/// Damaged and hostile files: every one must fail with a `FormatError` naming the place (or
/// decode), never crash, hang or allocate from an unchecked size.
@Suite struct AvroHostileInputTests {
    typealias B = AvroFileBuilder

    /// A small file fastavro writes: a few types, several blocks (of about `interval` bytes).
    private func smallFile(codec: String = "null", interval: Int = 60) async throws -> [UInt8] {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("small.avro")
        let script = #"""
import fastavro, sys, datetime, decimal
schema = {"type": "record", "name": "S", "fields": [
    {"name": "id", "type": "long"},
    {"name": "name", "type": ["null", "string"]},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "m", "type": {"type": "map", "values": ["null", "int"]}},
    {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
    {"name": "u", "type": ["null", "long", "string", "S"]},
    {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
    {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}
recs = [{"id": k, "name": None if k % 3 == 0 else "n%d" % k, "tags": ["t"] * (k % 3), "m": {"k": k, "z": None},
         "e": "AB"[k % 2], "u": [None, k, "s", {"id": 1, "name": None, "tags": [], "m": {}, "e": "A", "u": None,
         "dec": decimal.Decimal("0.5"), "ts": 0}][k % 4], "dec": decimal.Decimal(k) / 4,
         "ts": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)} for k in range(12)]
fastavro.writer(open(sys.argv[1], "wb"), fastavro.parse_schema(schema), recs, codec=sys.argv[2], sync_interval=int(sys.argv[3]))
"""#
        _ = try await Python.run(script, arguments: [path, codec, String(interval)])
        return try readBytes(path)
    }

    /// Every length of the null-codec file; every third of the compressed ones (in a debug
    /// build one deflate decode of it takes tens of milliseconds).
    @Test(arguments: [("null", 1), ("deflate", 3), ("snappy", 3), ("bzip2", 3)])
    func truncationAtEveryLength(codec: String, stride: Int) async throws {
        let bytes = try await smallFile(codec: codec, interval: codec == "null" ? 60 : 300)
        let full = try decodeAvro(bytes)
        #expect(full.rows.count == 12)
        for length in Swift.stride(from: 0, to: bytes.count, by: stride) {
            let cut = Array(bytes[..<length])
            let outcome = decodeDamaged(cut)
            if case .wrongError(let text) = outcome { Issue.record("cut at \(length): \(text)") }
            if case .decoded(let rows) = outcome { #expect(rows < 12, "cut at \(length)") }
            if length % (5 * stride) == 0 {
                #expect(decodeDamaged(cut, chunkSize: 7) == outcome, "cut at \(length), chunks of 7")
            }
        }
    }

    /// Every bit of the null-codec file; one bit of every byte (the bit rotating) of the
    /// compressed ones.
    @Test(arguments: ["null", "deflate", "snappy", "bzip2"])
    func bitFlipsOverTheWholeFile(codec: String) async throws {
        let bytes = try await smallFile(codec: codec, interval: codec == "null" ? 60 : 300)
        var refused = 0
        for index in bytes.indices {
            for bit in codec == "null" ? Array(0..<8) : [index % 8] {
                var damaged = bytes
                damaged[index] ^= UInt8(1) << UInt8(bit)
                let outcome = decodeDamaged(damaged)
                if (index * 8 + bit) % 11 == 0 {
                    #expect(decodeDamaged(damaged, chunkSize: 7) == outcome, "flip of bit \(bit) of byte \(index), chunks of 7")
                }
                switch outcome {
                case .wrongError(let text): Issue.record("flip of bit \(bit) of byte \(index): \(text)")
                case .refused: refused += 1
                case .decoded: break
                }
            }
        }
        #expect(refused > 0)
    }

    @Test func wrongMagicIsRefusedAtOnce() {
        var decoder = AvroDecoder(name: "data/x.avro")
        #expect(throws: FormatError("data/x.avro: not an Avro object container file: it starts with bytes 50 41 52 31, not 4f 62 6a 01 ('Obj' 1)")) {
            _ = try decoder.feed(Array("PAR1xxxxxxxx".utf8))
        }
        var oneByte = AvroDecoder(name: "f")
        #expect(throws: FormatError.self) { _ = try oneByte.feed([0x4F, 0x63]) }
    }

    @Test func emptyAndHeaderOnlyInputs() {
        var empty = AvroDecoder(name: "f.avro")
        #expect(throws: FormatError("f.avro: the file is empty: not an Avro object container file")) { _ = try empty.finish() }
        var partial = AvroDecoder(name: "f.avro")
        #expect(throws: FormatError("f.avro: the file ends at byte 10, inside its header")) {
            _ = try partial.feed(Array(B.header(schema: B.oneField(#""long""#)).prefix(10)))
            _ = try partial.finish()
        }
    }

    @Test func blockLargerThanTheFile() {
        let header = B.header(schema: B.oneField(#""long""#))
        let bytes = header + B.long(1) + B.long(1000) + [2, 4, 6]
        #expect(throws: FormatError("test.avro: block 1 at byte \(header.count): the file ends at byte \(bytes.count), before the block's 1000 bytes of data and its sync marker (truncated file?)")) {
            _ = try decodeAvro(bytes)
        }
    }

    @Test func blockLargerThanTheLimitIsRefusedBeforeBuffering() {
        let header = B.header(schema: B.oneField(#""long""#))
        let size = AvroLimits.maximumBlockBytes + 1
        let bytes = header + B.long(1) + B.long(size) + [2]
        #expect(throws: FormatError("test.avro: block 1 at byte \(header.count): its byte size \(size) is larger than the limit of 67108864 bytes (64 MiB) per block")) {
            _ = try decodeAvro(bytes)
        }
    }

    @Test func negativeCountsAndSizes() {
        let header = B.header(schema: B.oneField(#""long""#))
        #expect(throws: FormatError("test.avro: block 1 at byte \(header.count): its record count -1 is negative")) {
            _ = try decodeAvro(header + B.long(-1) + B.long(1) + [2] + B.sync)
        }
        #expect(throws: FormatError("test.avro: block 1 at byte \(header.count): its byte size -5 is negative")) {
            _ = try decodeAvro(header + B.long(1) + B.long(-5) + [2] + B.sync)
        }
        // A negative array block count with a negative byte size.
        let schema = B.oneField(#"{"type": "array", "items": "long"}"#)
        let bad = B.file(schema: schema, blocks: [(1, B.long(-1) + B.long(-3) + B.long(7) + B.long(0))])
        #expect(throws: FormatError.self) { _ = try decodeAvro(bad) }
    }

    @Test func unionIndexOutOfRangeNamesBlockOffsetAndRecord() {
        let schema = B.oneField(#"["null", "long"]"#)
        let header = B.header(schema: schema)
        let first = B.block(count: 2, [0x00, 0x02, 0x04])
        let second = B.block(count: 2, [0x02, 0x06, 0x04])
        #expect(throws: FormatError("test.avro: block 2 at byte \(header.count + first.count): record 4 (2 of 2 in the block), at byte 2 of the block's data: union branch index 2 is out of range (the union has 2 branches)")) {
            _ = try decodeAvro(header + first + second)
        }
        // The same inside a nested value and inside a skipped field.
        let nested = B.oneField(#"{"type": "array", "items": ["null", "string", "long"]}"#)
        let data = B.long(1) + B.long(3) + B.long(0)
        #expect(throws: FormatError("test.avro: block 1 at byte \(B.header(schema: nested).count): record 1 (1 of 1 in the block), at byte 1 of the block's data: union branch index 3 is out of range (the union has 3 branches)")) {
            _ = try decodeAvro(B.file(schema: nested, blocks: [(1, data)]))
        }
        var options = DecodeOptions()
        options.projection = []
        #expect(throws: FormatError.self) {
            _ = try decodeAvro(B.file(schema: nested, blocks: [(1, data)]), options: options)
        }
    }

    @Test func enumIndexOutOfRange() {
        let schema = B.oneField(#"{"type": "enum", "name": "E", "symbols": ["A", "B"]}"#)
        #expect(throws: FormatError("test.avro: block 1 at byte \(B.header(schema: schema).count): record 1 (1 of 1 in the block), at byte 0 of the block's data: enum E symbol index 2 is out of range (it has 2 symbols)")) {
            _ = try decodeAvro(B.file(schema: schema, blocks: [(1, B.long(2))]))
        }
    }

    @Test func syncMarkerMismatch() {
        let schema = B.oneField(#""long""#)
        let header = B.header(schema: schema)
        let bytes = header + B.long(1) + B.long(1) + [2] + Array(repeating: 0, count: 16)
        #expect(throws: FormatError("test.avro: block 1 at byte \(header.count): the sync marker after its data (at byte \(header.count + 3)) is not the header's; the block's size or data is wrong")) {
            _ = try decodeAvro(bytes)
        }
    }

    @Test func unsupportedCodecAndBadSchemas() {
        #expect(throws: FormatError("test.avro: header at byte 4: the codec 'xz' is not supported (Sluice reads null, deflate, snappy, zstandard, bzip2)")) {
            _ = try decodeAvro(B.header(schema: B.oneField(#""long""#), codec: "xz"))
        }
        #expect(throws: FormatError("test.avro: header at byte 4: the header has no avro.schema entry")) {
            _ = try decodeAvro(B.header(schema: nil))
        }
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.header(schema: "{not json")) }
        #expect(throws: FormatError("test.avro: the writer schema (avro.schema in the header) is not a valid Avro schema: unknown type name 'Missing' (a named type must be defined before it is used)")) {
            _ = try decodeAvro(B.header(schema: B.oneField(#""Missing""#)))
        }
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.header(schema: #"{"type": "fixed", "name": "F", "size": -1}"#)) }
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.header(schema: #"[]"#)) }
        #expect(throws: FormatError.self) {
            _ = try decodeAvro(B.header(schema: #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}"#))
        }
        let deep = String(repeating: #"{"type": "array", "items": "#, count: 200) + #""long""# + String(repeating: "}", count: 200)
        #expect(throws: FormatError("test.avro: the writer schema (avro.schema in the header) is not a valid Avro schema: types are nested more than 128 deep")) {
            _ = try decodeAvro(B.header(schema: deep))
        }
    }

    @Test func bytesAfterTheLastRecordOfABlock() {
        let schema = B.oneField(#""long""#)
        #expect(throws: FormatError("test.avro: block 1 at byte \(B.header(schema: schema).count): 2 bytes of the block's data follow its last record (record 1); the block's count or data is wrong")) {
            _ = try decodeAvro(B.file(schema: schema, blocks: [(1, [2, 4, 6])]))
        }
    }

    @Test func absurdCountsAreRefusedBeforeAllocating() {
        // 2^40 longs in an array of a 3-byte block.
        let longs = B.oneField(#"{"type": "array", "items": "long"}"#)
        #expect(throws: FormatError("test.avro: block 1 at byte \(B.header(schema: longs).count): record 1 (1 of 1 in the block), at byte 0 of the block's data: an array declares 1099511627776 items of at least 1 bytes but only 0 bytes remain")) {
            _ = try decodeAvro(B.file(schema: longs, blocks: [(1, B.long(1 << 40))]))
        }
        // 2^40 nulls take no bytes: the per-block budget refuses them.
        let nulls = B.oneField(#"{"type": "array", "items": "null"}"#)
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: nulls, blocks: [(1, B.long(1 << 40) + B.long(0))])) }
        // 2^40 records in one block of 1 byte.
        #expect(throws: FormatError("test.avro: block 1 at byte \(B.header(schema: B.oneField(#""long""#)).count): the record count 1099511627776, at byte 0 of the block's data: the block declares 1099511627776 items of at least 1 bytes but only 1 bytes remain")) {
            _ = try decodeAvro(B.file(schema: B.oneField(#""long""#), blocks: [(1 << 40, [2])]))
        }
        // Records that take no bytes at all.
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: B.oneField(#""null""#), blocks: [(1 << 40, [])])) }
        // A map count of Int.min.
        let map = B.oneField(#"{"type": "map", "values": "long"}"#)
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: map, blocks: [(1, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])])) }
        // A string length past the end.
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: B.oneField(#""string""#), blocks: [(1, B.long(1 << 50))])) }
        // An 11-byte varint.
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: B.oneField(#""long""#), blocks: [(1, Array(repeating: 0xFF, count: 10) + [1])])) }
    }

    @Test func zeroSizeValuesNestedExponentiallyAreBounded() {
        // Each level holds the previous one twice: one record of level 40 holds 2^40 nulls
        // in zero bytes.
        var types = [#"{"type": "record", "name": "L0", "fields": [{"name": "a", "type": "null"}, {"name": "b", "type": "null"}]}"#]
        for level in 1...40 {
            types.append(#"{"type": "record", "name": "L\#(level)", "fields": [{"name": "a", "type": \#(types[level - 1])}, {"name": "b", "type": "L\#(level - 1)"}]}"#)
        }
        let schema = types[40]
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: schema, blocks: [(1, [])])) }
        var options = DecodeOptions()
        options.projection = []
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: schema, blocks: [(1, [])]), options: options) }
        // Its field schemas stop growing at the node budget.
        let decoded = try? decodeAvro(B.header(schema: schema))
        #expect(decoded?.schema?.count == 2)
    }

    @Test func recursionDeeperThanTheLimit() throws {
        let schema = B.oneField(#"{"type": "record", "name": "Node", "fields": [{"name": "next", "type": ["null", "Node"]}]}"#)
        func chain(_ depth: Int) -> [UInt8] { Array(repeating: 2, count: depth) + [0] }
        let shallow = try decodeAvro(B.file(schema: schema, blocks: [(1, chain(3))]))
        #expect(shallow.rows == [["v": ["next": ["next": ["next": ["next": nil]]]]]])
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: schema, blocks: [(1, chain(100))])) }
        var options = DecodeOptions()
        options.projection = []
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: schema, blocks: [(1, chain(100))]), options: options) }
        // Directly self-containing: no value can end, the depth limit stops it.
        let endless = #"{"type": "record", "name": "Loop", "fields": [{"name": "again", "type": "Loop"}]}"#
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: endless, blocks: [(1, [])])) }
    }

    @Test func headerLongerThanTheLimit() {
        var decoder = AvroDecoder(name: "h.avro")
        let start = [0x4F, 0x62, 0x6A, 0x01] + B.long(1) + B.string("big") + B.long(100 << 20)
        #expect(throws: FormatError("h.avro: the header is longer than the limit of 16777216 bytes")) {
            _ = try decoder.feed(start)
            let chunk = [UInt8](repeating: 0, count: 1 << 20)
            for _ in 0..<17 { _ = try decoder.feed(chunk) }
        }
    }

    @Test func snappyChecksumMismatch() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("crc.avro")
        let script = #"""
import fastavro, io, sys
out = io.BytesIO()
fastavro.writer(out, fastavro.parse_schema({"type": "record", "name": "R", "fields": [{"name": "s", "type": "string"}]}),
                [{"s": "hello %d" % k} for k in range(50)], codec="snappy")
data = bytearray(out.getvalue())
data[-17] ^= 0x01  # the last byte of the only block's CRC-32, just before the final sync marker
open(sys.argv[1], "wb").write(bytes(data))
"""#
        _ = try await Python.run(script, arguments: [path])
        let outcome = decodeDamaged(try readBytes(path))
        guard case .refused(let message) = outcome else {
            Issue.record("expected a refusal, got \(outcome)")
            return
        }
        #expect(message.hasPrefix("test.avro: block 1 at byte "))
        #expect(message.contains("the snappy block's CRC-32 is 0x"))
    }

    @Test func longChainsOfNamedTypesDoNotExhaustTheStack() throws {
        // Field k holds record Ak, whose one field holds A(k-1): 3000 records deep.
        var fields = [#"{"name": "f0", "type": {"type": "record", "name": "A0", "fields": [{"name": "x", "type": "long"}]}}"#]
        for k in 1..<3000 {
            fields.append(#"{"name": "f\#(k)", "type": {"type": "record", "name": "A\#(k)", "fields": [{"name": "x", "type": "A\#(k - 1)"}]}}"#)
        }
        let schema = #"{"type": "record", "name": "Root", "fields": ["# + fields.joined(separator: ", ") + "]}"
        let decoded = try decodeAvro(B.header(schema: schema))
        #expect(decoded.schema?.count == 3000)
        #expect(decoded.schema?.last?.type.description.contains("json") == true)
        // One record of it nests values 3000 deep: refused at the value depth limit.
        #expect(throws: FormatError.self) { _ = try decodeAvro(B.file(schema: schema, blocks: [(1, Array(repeating: 2, count: 3000 * 3001 / 2))])) }
    }
}
