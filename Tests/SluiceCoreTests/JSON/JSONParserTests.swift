import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindAndKeepsKeyOrder() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":[true,false,null],"m":{"x":-2.5e3,"y":"\u00e9\ud83d\ude00\n"},"big":18446744073709551616,"min":-9223372036854775808}"#)
        guard case .object(let o) = value else { Issue.record("not an object"); return }
        #expect(o.keys == ["z", "a", "m", "big", "min"])
        #expect(o["z"] == .int(1))
        #expect(o["a"] == [true, false, nil])
        #expect(o["m"] == ["x": .double(-2500), "y": .string("é😀\n")])
        #expect(o["big"] == .double(18446744073709551616))
        #expect(o["min"] == .int(Int.min))
    }

    @Test func reportsTheOffsetOfSyntaxErrors() {
        let cases: [(String, Int, String)] = [
            ("{\"a\":}", 5, "unexpected character '}'"),
            ("[1,2", 4, "unexpected end of input in array"),
            ("01", 2, "leading zero in number"),
            ("\"abc", 4, "unterminated string"),
            ("{\"a\" 1}", 5, "expected ':' after key"),
            ("[1] x", 4, "unexpected data after the JSON value"),
            ("\"\\ud800\"", 7, "unpaired surrogate in \\u escape"),
        ]
        for (text, offset, message) in cases {
            #expect(throws: JSONParseError(offset: offset, message: message), "\(text)") { try JSONParser.parse(text) }
        }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func writerRoundTripsAgainstPythonsJSONModule() async throws {
        let value: Value = [
            "s": "quote\" back\\ tab\t nl\n ctrl\u{01} é", "i": -42, "d": 0.1, "e": 1e-7, "n": nil, "b": true,
            "a": [1, 2.5, "x"], "ts": .timestamp(Timestamp(milliseconds: 1_699_380_000_123)),
        ]
        let text = JSONText.string(value)
        let echoed = try await Python.run("import json,sys; print(json.dumps(json.loads(sys.stdin.read()), ensure_ascii=False))", input: text)
        var expected = value
        if case .object(var o) = expected {
            o["ts"] = "2023-11-07T18:00:00.123Z"
            expected = .object(o)
        }
        #expect(try JSONParser.parse(echoed) == expected)
    }
}

extension JSONParseError: Equatable {
    public static func == (a: JSONParseError, b: JSONParseError) -> Bool { a.offset == b.offset && a.message == b.message }
}
