import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("NDJSON decoder")
struct NDJSONDecoderTests {
    @Test("records with different keys: union of fields, absent vs explicit null")
    func unionOfKeys() throws {
        let d = try decode(.ndjson, "{\"a\":1,\"b\":null}\n{\"c\":\"x\",\"a\":2.5}\n{}\n")
        #expect(d.fields == [["a", "b", "c"]])
        #expect(d.rows == [#"{"a":1,"b":null}"#, #"{"a":2.5,"c":"x"}"#, "{}"])
        #expect(d.positions == [1, 2, 3])
        let b = try #require(d.batches[0].column(named: "b"))
        #expect([b.presence(at: 0), b.presence(at: 1), b.presence(at: 2)] == [.null, .absent, .absent])
        let c = try #require(d.batches[0].column(named: "c"))
        #expect(storageKind(d.batches[0], "c") == "text")
        #expect([c.presence(at: 0), c.presence(at: 1)] == [.absent, .present])
    }

    @Test("malformed and non-object lines are rejected with line, byte and reason; reading goes on")
    func rejections() throws {
        let input = "{\"a\":1}\n{\"a\":2,\"b\":}\n\n[1,2]\n42\n{\"a\":3} x\n{\"a\":\"open\n{\"a\":4}\n"
        let d = try decode(.ndjson, input)
        #expect(d.rows == [#"{"a":1}"#, #"{"a":4}"#])
        #expect(d.positions == [1, 8])
        #expect(d.reasons == [
            "line 2: invalid JSON at byte 11: unexpected character '}'",
            "line 4: expected a JSON object, found array",
            "line 5: expected a JSON object, found number",
            "line 6: invalid JSON at byte 8: unexpected data after the JSON value",
            "line 7: invalid JSON at byte 10: unterminated string",
        ])
        #expect(d.rejections[0] == Rejection(record: .string("{\"a\":2,\"b\":}"), reasons: [d.reasons[0]], position: 2, stage: "source"))
        #expect(d.rejections.map(\.position) == [2, 4, 5, 6, 7])
    }

    @Test("CRLF, blank and whitespace-only lines, BOM, no final newline")
    func lineHandling() throws {
        let input: [UInt8] = [0xEF, 0xBB, 0xBF] + bytes("{\"a\":1}\r\n  \r\n\r\n\t{\"a\":2} \r\n{\"a\":3}")
        let d = try expectChunkingInvariant(.ndjson, input)
        #expect(d.rows == [#"{"a":1}"#, #"{"a":2}"#, #"{"a":3}"#])
        #expect(d.positions == [1, 4, 5])
        #expect(d.chunkBytes == [input.count])
    }

    @Test("escapes, unicode, duplicate keys, nested values, numbers")
    func values() throws {
        let input = #"{"k\"ey":"a\nb\u00e9\ud83d\ude00","dup":1,"dup":2,"o":{"x":[1,{"y":null}]},"arr":[],"big":12345678901234567890,"e":-1.5e-3,"z":-0,"t":true,"f":false}"# + "\n"
        let d = try decode(.ndjson, input)
        #expect(d.fields == [["k\"ey", "dup", "o", "arr", "big", "e", "z", "t", "f"]])
        #expect(d.rows == [#"{"k\"ey":"a\nbé😀","dup":2,"o":{"x":[1,{"y":null}]},"arr":[],"big":1.2345678901234567e+19,"e":-0.0015,"z":0,"t":true,"f":false}"#])
    }

    @Test("batches of batchSize rows; a rejection travels with the chunk whose span it is in")
    func batching() throws {
        let input = bytes("{\"a\":1}\n{\"a\":2}\nnope\n{\"a\":3}\n{\"a\":4}\n{\"a\":5}\n")
        let d = try expectChunkingInvariant(.ndjson, input, options: DecodeOptions(batchSize: 2))
        #expect(d.chunkRows == [2, 2, 1])
        #expect(d.chunkBytes == [16, 21, 8])
        var decoder = makeDecoder(.ndjson, options: DecodeOptions(batchSize: 2))
        let early = try decoder.feed(input)
        #expect(early.map(\.rejected.count) == [0, 1])
        #expect(try decoder.finish().map(\.batch.count) == [1])
    }

    @Test("empty input and blank-only input")
    func empty() throws {
        #expect(try decode(.ndjson, "").chunkRows == [])
        let blank = try decode(.ndjson, "\n \n")
        #expect(blank.chunkRows == [0])
        #expect(blank.chunkBytes == [3])
    }

    @Test("every split point gives the same rows, rejections and bytes")
    func chunkBoundaries() throws {
        let input = bytes("{\"s\":\"a,b\\\"}\",\"n\":-12.5e2}\r\n{\"s\":\"\\u00e9\"}\nbad\n\n{\"x\":[1,2],\"n\":7}\n{\"n\":1}")
        let d = try expectChunkingInvariant(.ndjson, input, options: DecodeOptions(batchSize: 2))
        #expect(d.rows == [#"{"s":"a,b\"}","n":-1250.0}"#, #"{"s":"é"}"#, #"{"x":[1,2],"n":7}"#, #"{"n":1}"#])
        #expect(d.positions == [1, 2, 5, 6])
    }

    @Test("differential: values and errors match SluiceCore's JSONParser on generated lines")
    func differential() throws {
        var rng = SplitMix(seed: 42)
        var lines: [String] = []
        for _ in 0..<3000 {
            var line = JSONText.string(.object(randomObject(&rng, depth: 0)))
            if rng.next() % 4 == 0 {
                // Corrupt one byte to exercise error paths.
                var utf8 = Array(line.utf8)
                let at = Int(rng.next() % UInt64(utf8.count))
                let junk: [UInt8] = Array("{}[]\":,x\\0-.e ".utf8)
                utf8[at] = junk[Int(rng.next() % UInt64(junk.count))]
                line = String(decoding: utf8, as: UTF8.self)
            }
            lines.append(line)
        }
        let decoded = try decode(.ndjson, lines.joined(separator: "\n"), options: DecodeOptions(batchSize: 500))
        // Rows list keys in the batch's field order, so compare with top-level keys sorted.
        var d = decoded
        d.rows = decoded.batches.flatMap(\.records).map(sortedKeys)
        var expectedRows: [String] = []
        var expectedReasons: [String] = []
        for (n, line) in lines.enumerated() {
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { continue }
            do {
                let value = try JSONParser.parse(line)
                if case .object(let object) = value {
                    expectedRows.append(sortedKeys(object))
                } else {
                    expectedReasons.append("line \(n + 1): expected a JSON object, found \(value.kindName)")
                }
            } catch {
                expectedReasons.append("line \(n + 1): \(error)")
            }
        }
        #expect(d.rows.count == expectedRows.count)
        if let i = (0..<min(d.rows.count, expectedRows.count)).first(where: { d.rows[$0] != expectedRows[$0] }) {
            Issue.record("row \(i): \(d.rows[i]) vs \(expectedRows[i])")
        }
        #expect(d.reasons.count == expectedReasons.count)
        if let i = (0..<min(d.reasons.count, expectedReasons.count)).first(where: { d.reasons[$0] != expectedReasons[$0] }) {
            Issue.record("reason \(i): \(d.reasons[i]) vs \(expectedReasons[i])")
        }
        #expect(expectedReasons.count > 300)
    }
}

/// Compact JSON of `object` with its top-level keys sorted.
func sortedKeys(_ object: ValueObject) -> String {
    JSONText.string(.object(ValueObject(object.pairs.sorted { $0.0 < $1.0 })))
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

func randomString(_ rng: inout SplitMix) -> String {
    let pieces = ["a", "b", "Z", " ", ",", "\"", "\\", "\n", "\r", "\t", "é", "😀", "{", "]", "\u{1}", "0", "/"]
    return (0..<rng.int(0...8)).map { _ in pieces[rng.int(0...(pieces.count - 1))] }.joined()
}

func randomValue(_ rng: inout SplitMix, depth: Int) -> Value {
    switch rng.int(0...(depth < 2 ? 9 : 7)) {
    case 0: return .null
    case 1: return .bool(rng.next() % 2 == 0)
    case 2: return .int(Int(truncatingIfNeeded: rng.next()) >> rng.int(0...60))
    case 3: return .double(Double(Int(truncatingIfNeeded: rng.next() >> 11)) / Double(1 << rng.int(0...40)))
    case 4: return .double(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF))
    case 5, 6, 7: return .string(randomString(&rng))
    case 8: return .array((0..<rng.int(0...3)).map { _ in randomValue(&rng, depth: depth + 1) })
    default: return .object(randomObject(&rng, depth: depth + 1))
    }
}

func randomObject(_ rng: inout SplitMix, depth: Int) -> ValueObject {
    var object = ValueObject()
    let keys = ["id", "name", "v", "k\"q", "é", "nested", "x"]
    for _ in 0..<rng.int(0...6) { object[keys[rng.int(0...(keys.count - 1))]] = randomValue(&rng, depth: depth) }
    return object
}
