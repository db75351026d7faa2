import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceFormats

/// Text that is not valid UTF-8 in CSV, NDJSON and JSON files: by default its record is
/// refused naming the field and the byte; with `replace` each bad sequence becomes U+FFFD
/// exactly as Python's `bytes.decode('utf-8', 'replace')` makes it.
@Suite("Invalid UTF-8 in data")
struct InvalidUTF8Tests {
    static func options(_ handling: InvalidUTF8Handling) -> DecodeOptions {
        var options = DecodeOptions()
        options.invalidUTF8 = handling
        return options
    }

    /// The bytes of `text` with each `%XX` replaced by the byte XX (how the tests write bytes
    /// that a Swift string cannot hold).
    static func raw(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let b = bytes.first {
            bytes = bytes.dropFirst()
            if b == UInt8(ascii: "%"), bytes.count >= 2, let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(value)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return out
    }

    // MARK: CSV

    @Test("CSV: a bad cell refuses its row, naming the line, the field and the byte")
    func csvRejects() throws {
        let input = Self.raw("id,name,city\n1,caf%C3,Lima\n2,ok,Paris\n3,\"a\"\"%FF\",x%E2%82\n4,%ED%A0%80,y\n")
        let d = try expectChunkingInvariant(.csv, input)
        #expect(d.rows == [#"{"id":2,"name":"ok","city":"Paris"}"#])
        #expect(d.positions == [3])
        #expect(d.reasons == [
            "line 2: invalid UTF-8 in field 'name' at byte 3 of the field",
            "line 4: invalid UTF-8 in field 'name' at byte 2 of the field",
            "line 4: invalid UTF-8 in field 'city' at byte 1 of the field",
            "line 5: invalid UTF-8 in field 'name' at byte 0 of the field",
        ])
        #expect(d.rejections.map(\.position) == [2, 4, 5])
        #expect(d.rejections.map(\.stage) == ["source", "source", "source"])
        #expect(d.rejections[0].record == ["id": "1", "name": "caf\u{FFFD}", "city": "Lima"])
    }

    @Test("CSV: the text is checked, not the raw bytes around a quote")
    func csvChecksUnescapedText() throws {
        // `"ab%C3"%A9`: the closing quote sits inside é in the raw bytes, but the text after a
        // closing quote is kept as it is, so the cell's text is "abé".
        let d = try decode(.csv, Self.raw("v,w\n\"ab%C3\"%A9,1\n"))
        #expect(d.rejections.isEmpty)
        #expect(d.records == [["v": "ab\u{E9}", "w": 1]])
    }

    @Test("CSV: valid multibyte text passes untouched")
    func csvValidText() throws {
        let text = "name,note\nZoë,日本語 🎉\n\"Ünïcödé, quoted\",ascii\n"
        let d = try expectChunkingInvariant(.csv, Array(text.utf8))
        #expect(d.rejections.isEmpty)
        #expect(d.records == [["name": "Zoë", "note": "日本語 🎉"], ["name": "Ünïcödé, quoted", "note": "ascii"]])
    }

    @Test("CSV: a bad cell in a column the job does not read still refuses the row")
    func csvProjection() throws {
        var options = DecodeOptions()
        options.projection = ["id"]
        let d = try decode(.csv, Self.raw("id,name\n1,%FF\n2,b\n"), options: options)
        #expect(d.rows == [#"{"id":2}"#])
        #expect(d.reasons == ["line 2: invalid UTF-8 in field 'name' at byte 0 of the field"])
    }

    @Test("CSV: replace puts U+FFFD for each bad sequence and keeps the row")
    func csvReplaces() throws {
        let input = Self.raw("id,name\n1,caf%C3\n2,\"%F0%9F%8E\"\n3,%C0%AFx\n")
        let d = try expectChunkingInvariant(.csv, input, options: Self.options(.replace))
        #expect(d.rejections.isEmpty)
        #expect(d.records == [
            ["id": 1, "name": "caf\u{FFFD}"], ["id": 2, "name": "\u{FFFD}"], ["id": 3, "name": "\u{FFFD}\u{FFFD}x"],
        ])
    }

    // MARK: NDJSON

    @Test("NDJSON: bad text in a value, a nested value or a key refuses the line")
    func ndjsonRejects() throws {
        let input = Self.raw(
            "{\"id\":1,\"name\":\"caf%C3\"}\n{\"id\":2,\"name\":\"ok\"}\n{\"id\":3,\"tags\":[\"a\",\"%FF\"]}\n{\"id\":4,\"n%E9\":1}\n"
                + "{\"id\":5,\"name\":\"x\\n%C3\"}\n")
        let d = try expectChunkingInvariant(.ndjson, input)
        #expect(d.rows == [#"{"id":2,"name":"ok"}"#])
        #expect(d.reasons == [
            "line 1: invalid UTF-8 in field 'name' at byte 3 of the field",
            "line 3: invalid UTF-8 in field 'tags' at byte 6 of the field",
            "line 4: invalid UTF-8 in the key 'n\u{FFFD}' at byte 1 of the key",
            "line 5: invalid UTF-8 in field 'name' at byte 2 of the field",
        ])
        #expect(d.rejections.map(\.position) == [1, 3, 4, 5])
        #expect(d.rejections[0].record == ["id": 1, "name": "caf\u{FFFD}"])
        #expect(d.fields == [["id", "name"]])
    }

    @Test("NDJSON: replace repairs values, nested values and keys")
    func ndjsonReplaces() throws {
        let input = Self.raw("{\"id\":1,\"name\":\"caf%C3\"}\n{\"id\":2,\"tags\":[\"%FF\"],\"e\":\"%C3\\t\"}\n")
        let d = try expectChunkingInvariant(.ndjson, input, options: Self.options(.replace))
        #expect(d.rejections.isEmpty)
        #expect(d.records == [["id": 1, "name": "caf\u{FFFD}"], ["id": 2, "tags": ["\u{FFFD}"], "e": "\u{FFFD}\t"]])
    }

    // MARK: JSON documents

    @Test("JSON array: a bad record is refused by its number and the rest are read")
    func jsonArrayRejects() throws {
        let input = Self.raw("[{\"id\":1,\"name\":\"%C3%28\"},{\"id\":2,\"name\":\"ok\"},{\"id\":3,\"o\":{\"k\":\"%80\"}}]")
        let d = try expectChunkingInvariant(.json, input)
        #expect(d.rows == [#"{"id":2,"name":"ok"}"#])
        #expect(d.reasons == [
            "record 1: invalid UTF-8 in field 'name' at byte 0 of the field",
            "record 3: invalid UTF-8 in field 'o' at byte 6 of the field",
        ])
        #expect(d.rejections.map(\.position) == [1, 3])
    }

    @Test("JSON object: the records member, or the object itself, is checked record by record")
    func jsonHeldObjectRejects() throws {
        let members = try decode(.json, Self.raw("{\"meta\":\"%FF\",\"items\":[{\"a\":\"x\"},{\"a\":\"%FE\"},{\"a\":\"z\"}]}"))
        #expect(members.rows == [#"{"a":"x"}"#, #"{"a":"z"}"#])
        #expect(members.positions == [1, 3])
        #expect(members.reasons == ["record 2: invalid UTF-8 in field 'a' at byte 0 of the field"])
        let itself = try decode(.json, Self.raw("{\"a\":1,\"b\":\"%FF\"}"))
        #expect(itself.rows.isEmpty)
        #expect(itself.reasons == ["record 1: invalid UTF-8 in field 'b' at byte 0 of the field"])
        var atPath = DecodeOptions()
        atPath.recordsPath = "data.rows"
        let pathed = try decode(.json, Self.raw("{\"data\":{\"rows\":[{\"a\":\"%C3\"},{\"a\":\"ok\"}]}}"), options: atPath)
        #expect(pathed.rows == [#"{"a":"ok"}"#])
        #expect(pathed.reasons == ["record 1: invalid UTF-8 in field 'a' at byte 0 of the field"])
        let replaced = try decode(.json, Self.raw("{\"items\":[{\"a\":\"%FE\"}]}"), options: Self.options(.replace))
        #expect(replaced.records == [["a": "\u{FFFD}"]])
    }

    // MARK: Differential against Python

    /// Random byte strings made of pieces: well-formed sequences of every length, including
    /// those at the edges of the ranges (U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF,
    /// U+10000, U+10FFFF), and single bytes that break them (lead bytes of every length,
    /// continuation bytes, C0, C1, F5–FF, the first bytes of surrogates and of overlong forms).
    /// About two texts in five are built from well-formed pieces only.
    static func randomTexts(count: Int, seed: UInt64) -> [[UInt8]] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let wellFormed: [[UInt8]] = [
            [0x41], [0x22], [0x2C], [0x20], [0xC2, 0x80], [0xDF, 0xBF], [0xC3, 0xA9], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
            [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xE2, 0x82, 0xAC], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            [0xF0, 0x9F, 0x98, 0x80],
        ]
        let breaking: [UInt8] = [
            0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3,
            0xF4, 0xF5, 0xFE, 0xFF,
        ]
        return (0..<count).map { _ in
            let valid = next() % 5 < 2
            var text: [UInt8] = []
            for _ in 0..<(Int(next() % 6) + 1) {
                let pick = next()
                if valid || pick % 3 != 0 {
                    text += wellFormed[Int(next() % UInt64(wellFormed.count))]
                } else if pick % 2 == 0 {
                    text.append(breaking[Int(next() % UInt64(breaking.count))])
                } else {
                    text.append(UInt8(truncatingIfNeeded: next() % 256))
                }
            }
            return text
        }
    }

    /// `bytes` in hex behind an `h`, so an empty text is still a line.
    static func hex(_ bytes: [UInt8]) -> String {
        "h" + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Runs `script` on one hex line per text; returns its output lines.
    static func python(_ script: String, _ texts: [[UInt8]]) async throws -> [String] {
        let output = try await Python.run(script, input: texts.map(hex).joined(separator: "\n"))
        return output.split(separator: "\n").map(String.init)
    }

    /// One CSV row per text, each quoted (so it is always text) with its quotes doubled and
    /// with line breaks dropped; returns the file and the texts as written.
    static func csv(of texts: [[UInt8]]) -> (file: [UInt8], texts: [[UInt8]]) {
        var file = Array("n,v\n".utf8)
        var written: [[UInt8]] = []
        for (i, text) in texts.enumerated() {
            let clean = text.filter { $0 != 0x0A && $0 != 0x0D }
            written.append(clean)
            file += Array("\(i),\"".utf8)
            for b in clean {
                file.append(b)
                if b == 0x22 { file.append(b) }
            }
            file += Array("\"\n".utf8)
        }
        return (file, written)
    }

    @Test("replace gives exactly Python's decode('utf-8', 'replace')")
    func replaceMatchesPython() async throws {
        let (file, texts) = Self.csv(of: Self.randomTexts(count: 2000, seed: 42))
        let script = """
            import sys
            for line in sys.stdin.read().split('\\n'):
                print('h' + bytes.fromhex(line[1:]).decode('utf-8', 'replace').encode('utf-8').hex())
            """
        let expected = try await Self.python(script, texts)
        let d = try decode(.csv, file, options: Self.options(.replace), pieces: [4093])
        #expect(d.rejections.isEmpty)
        let got = d.records.map { record -> String in
            guard case .string(let text)? = record.value(atPath: "v") else { return "missing" }
            return Self.hex(Array(text.utf8))
        }
        #expect(got.count == texts.count)
        #expect(got == expected)
    }

    @Test("reject refuses exactly the texts Python cannot decode, at Python's offset")
    func rejectMatchesPython() async throws {
        let (file, texts) = Self.csv(of: Self.randomTexts(count: 2000, seed: 7))
        let script = """
            import sys
            for line in sys.stdin.read().split('\\n'):
                try:
                    bytes.fromhex(line[1:]).decode('utf-8')
                    print('ok')
                except UnicodeDecodeError as e:
                    print(e.start)
            """
        let verdicts = try await Self.python(script, texts)
        #expect(verdicts.count == texts.count)
        let d = try decode(.csv, file, pieces: [4093])
        var expectedReasons: [String] = []
        var expectedKept: [Value] = []
        for (i, verdict) in verdicts.enumerated() {
            if verdict == "ok" {
                expectedKept.append(.int(i))
            } else {
                expectedReasons.append("line \(i + 2): invalid UTF-8 in field 'v' at byte \(verdict) of the field")
            }
        }
        #expect(d.reasons == expectedReasons)
        #expect(d.records.map { $0.value(atPath: "n") ?? .null } == expectedKept)
        #expect(expectedReasons.count > 100 && expectedKept.count > 100, "the sample mixes valid and invalid texts")
    }
}
