import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct TextCleaningTests {
    @Test func trimRemovesUnicodeWhitespaceFromListedFields() throws {
        let trim = try make(TrimText.self, #"{"fields": ["name", "tags"]}"#)
        let input = try batch(#"[{"name": " \t Ana\u00A0\u3000", "note": "  keep  ", "tags": " x "}, {"name": "\u2003é\u2003", "tags": 5}, {"name": null}, {"name": "   "}]"#)
        let out = try trim.process(input)
        #expect(text(out.batch) == #"[{"name":"Ana","note":"  keep  ","tags":"x"},{"name":"é","tags":5},{"name":null},{"name":""}]"#)
    }

    @Test func trimWithoutFieldsTrimsEveryTextFieldAndKeepsOtherValues() throws {
        let trim = try make(TrimText.self, "{}")
        let out = try trim.process(try batch(#"[{"a": " x ", "b": 1, "c": [" y "], "d": "\n z\r\n"}]"#))
        #expect(text(out.batch) == #"[{"a":"x","b":1,"c":[" y "],"d":"z"}]"#)
        // A lone continuation byte or a zero-width space is not whitespace.
        #expect(text(try trim.process(try batch(#"[{"a": "\u200Bx\u200B "}]"#)).batch) == "[{\"a\":\"\u{200B}x\u{200B}\"}]")
    }

    @Test func normalizeCaseWhitespaceAndUnicode() throws {
        let lower = try make(NormalizeText.self, #"{"fields": ["s"], "case": "lower", "whitespace": true}"#)
        #expect(text(try lower.process(try batch(#"[{"s": "  Hello \t  WORLD\n"}, {"s": "ÉCOLE  Ünï"}]"#)).batch) == #"[{"s":"hello world"},{"s":"école ünï"}]"#)
        let upper = try make(NormalizeText.self, #"{"case": "upper"}"#)
        #expect(text(try upper.process(try batch(#"[{"s": "straße", "n": 1}]"#)).batch) == #"[{"s":"STRASSE","n":1}]"#)
        let title = try make(NormalizeText.self, #"{"case": "title"}"#)
        #expect(text(try title.process(try batch(#"[{"s": "o'neil-SMITH von der 2nd"}, {"s": "élan ǆungla"}]"#)).batch) == #"[{"s":"O'neil-Smith Von Der 2nd"},{"s":"Élan ǅungla"}]"#)
        let nfc = try make(NormalizeText.self, #"{"unicode": "NFC"}"#)
        let decomposed = "e\u{301}te\u{301}"
        let out = try nfc.process(RecordBatch(records: [ValueObject([("s", .string(decomposed))])]))
        #expect(out.batch.column(named: "s")?.value(at: 0).stringValue.map { Array($0.utf8) } == Array("\u{E9}t\u{E9}".utf8))
        let nfkd = try make(NormalizeText.self, #"{"unicode": "NFKD"}"#)
        #expect(try nfkd.process(try batch(#"[{"s": "ﬁ"}]"#)).batch.column(named: "s")?.value(at: 0) == .string("fi"))
    }

    @Test func normalizeConfigErrors() throws {
        #expect(specError { _ = try make(NormalizeText.self, "{}") }?.message == "nothing to normalize: set case, whitespace or unicode")
        #expect(specError { _ = try make(NormalizeText.self, #"{"case": "camel"}"#) }?.message == "case: expected one of lower, upper, title, found 'camel'")
        #expect(specError { _ = try make(NormalizeText.self, #"{"unicode": "nfc"}"#) }?.message == "unicode: expected one of NFC, NFD, NFKC, NFKD, found 'nfc'")
        #expect(specError { _ = try make(NormalizeText.self, #"{"fields": [], "case": "lower"}"#) }?.message == #"fields: expected at least one field name, as ["email"]"#)
    }

    @Test func sanitizeStripsTagsDecodesEntitiesAndDropsControls() throws {
        let sanitize = try make(SanitizeText.self, #"{"fields": ["bio"]}"#)
        let input = RecordBatch(records: [
            ValueObject([("bio", .string("<p>Tom &amp; <b>Jerry</b></p><!-- a > b --> &lt;i&gt; &quot;q&quot; &#39;s&#39; &#233;&#xE9; &nbsp; a < b\u{0}\u{7}\r\n\tend\u{85}\u{7F}"))]),
            ValueObject([("bio", .string("<unclosed"))]), ValueObject([("bio", .int(3))]),
        ])
        let out = try sanitize.process(input)
        #expect(out.batch.records.map { $0["bio"] } == [
            .string("Tom & Jerry <i> \"q\" 's' éé &nbsp; a < b\n\tend"), .string("<unclosed"), .int(3),
        ])
        let htmlOnly = try make(SanitizeText.self, #"{"control": false}"#)
        #expect(try htmlOnly.process(try batch(#"[{"s": "<br/>a\u0001"}]"#)).batch.column(named: "s")?.value(at: 0) == .string("a\u{1}"))
        #expect(specError { _ = try make(SanitizeText.self, #"{"html": false, "control": false}"#) }?.message == "nothing to sanitize: html and control are both false")
    }

    @Test func lineageAndDemand() throws {
        let trim = try make(TrimText.self, #"{"fields": ["a"]}"#)
        #expect(trim.lineage(inputFields: ["a", "b"]) == [
            FieldDerivation(output: "a", inputs: ["a"], how: "trim"), FieldDerivation(output: "b", inputs: ["b"], how: "copy"),
        ])
        #expect(trim.inputDemand(forOutput: .only(["b"])) == .only(["b"]))
    }
}
