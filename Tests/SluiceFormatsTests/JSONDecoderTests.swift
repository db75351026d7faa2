import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("JSON decoder")
struct JSONDecoderTests {
    /// The error decoding `text` throws, checking it is the same for every split point.
    func formatError(_ text: String, options: DecodeOptions = DecodeOptions()) -> FormatError? {
        let input = bytes(text)
        var whole: FormatError?
        do { _ = try decode(.json, input, options: options) } catch { whole = error as? FormatError }
        for split in 0...input.count {
            var decoder = makeDecoder(.json, options: options)
            var caught: FormatError?
            do {
                _ = try decoder.feed(Array(input[..<split]))
                _ = try decoder.feed(Array(input[split...]))
                _ = try decoder.finish()
            } catch {
                caught = error as? FormatError
            }
            if caught != whole {
                Issue.record("split at \(split): \(String(describing: caught)) vs \(String(describing: whole))")
                break
            }
        }
        return whole
    }

    @Test("a top-level array of objects; positions are element numbers")
    func array() throws {
        let d = try expectChunkingInvariant(.json, bytes("[\n  {\"a\": 1, \"b\": \"x\"},\n  {\"a\": 2.5, \"c\": [1, \"]\"]}\n]\n"))
        #expect(d.fields == [["a", "b", "c"]])
        #expect(d.rows == [#"{"a":1,"b":"x"}"#, #"{"a":2.5,"c":[1,"]"]}"#])
        #expect(d.positions == [1, 2])
    }

    @Test("non-object elements are rejected with their element number")
    func nonObjects() throws {
        let d = try expectChunkingInvariant(.json, bytes("[{\"a\":1}, 5, \"s\", null, [1,{}], true, -12.5e1, {\"a\":2}]"))
        #expect(d.rows == [#"{"a":1}"#, #"{"a":2}"#])
        #expect(d.positions == [1, 8])
        #expect(d.reasons == [
            "record 2: expected an object, found number", "record 3: expected an object, found string",
            "record 4: expected an object, found null", "record 5: expected an object, found array",
            "record 6: expected an object, found boolean", "record 7: expected an object, found number",
        ])
        #expect(d.rejections[0] == Rejection(record: 5, reasons: [d.reasons[0]], position: 2, stage: "source"))
        #expect(d.rejections[5].record == .double(-125))
    }

    @Test("elements stream: batches come out of feed before the document ends")
    func streams() throws {
        var decoder = makeDecoder(.json, options: DecodeOptions(batchSize: 2))
        let early = try decoder.feed(bytes("[{\"a\":1},{\"a\":2},{\"a\":3},{\"a\""))
        #expect(early.map(\.batch.count) == [2])
        #expect(early.map(\.bytes) == [16])
        let rest = try decoder.feed(bytes(":4}]"))
        #expect(rest.map(\.batch.count) == [2])
        let last = try decoder.finish()
        #expect(last.map(\.batch.count) == [0])
        #expect(last.map(\.bytes) == [1])
    }

    @Test("syntax errors throw FormatError with line and byte, the same for every split")
    func syntaxErrors() {
        #expect(formatError("[{\"a\":1},\n{\"a\":2,}\n]")?.description == "line 2: invalid JSON at byte 17: expected a string key")
        #expect(formatError("[{\"a\":1} {\"a\":2}]")?.description == "line 1: invalid JSON at byte 9: expected ',' or ']' in array")
        #expect(formatError("[{\"a\":1},\n{\"a\":2}")?.description == "line 2: invalid JSON at byte 17: unexpected end of input in array")
        #expect(formatError("[{\"a\":1},\n{\"a\":tru")?.description == "line 2: invalid JSON at byte 15: unexpected end of input")
        #expect(formatError("[1, 2,\n 3\n")?.description == "line 3: invalid JSON at byte 10: unexpected end of input in array")
        #expect(formatError("[12a]")?.description == "line 1: invalid JSON at byte 3: expected ',' or ']' in array")
        #expect(formatError("[] x")?.description == "line 1: invalid JSON at byte 3: unexpected data after the JSON value")
        #expect(formatError("")?.description == "line 1: the document is empty; expected a JSON array or object")
        #expect(formatError(" \n ")?.description == "line 2: the document is empty; expected a JSON array or object")
        #expect(formatError("\n42")?.description == "line 2: expected a JSON array or object at the top level, found number")
    }

    @Test("empty array: no rows, bytes accounted")
    func emptyArray() throws {
        let d = try decode(.json, "[ ]\n")
        #expect(d.chunkRows == [0])
        #expect(d.chunkBytes == [4])
        #expect(d.rejections.isEmpty)
    }

    @Test("recordsPath: streams the array inside nested objects and checks what follows")
    func recordsPath() throws {
        let doc = "{\"meta\":{\"n\":2,\"items\":\"no\"},\"data\":{\"x\":[1,{\"a\":0}],\"items\":[{\"a\":1},7,{\"a\":2}],\"y\":{}},\"after\":true}"
        let d = try expectChunkingInvariant(.json, bytes(doc), options: DecodeOptions(recordsPath: "data.items"))
        #expect(d.rows == [#"{"a":1}"#, #"{"a":2}"#])
        #expect(d.positions == [1, 3])
        #expect(d.reasons == ["record 2: expected an object, found number"])
        #expect(d.chunkBytes == [doc.utf8.count])
    }

    @Test("recordsPath problems name the path")
    func recordsPathErrors() {
        let doc = "{\"meta\":{\"n\":2},\"data\":{\"items\":\"none\"}}"
        #expect(formatError(doc, options: DecodeOptions(recordsPath: "data.nope"))?.description
            == "recordsPath 'data.nope' not found: the object at 'data' has no key 'nope'")
        #expect(formatError(doc, options: DecodeOptions(recordsPath: "rows"))?.description
            == "recordsPath 'rows' not found: the top-level object has no key 'rows'")
        #expect(formatError(doc, options: DecodeOptions(recordsPath: "meta.n.x"))?.description
            == "recordsPath 'meta.n.x' not found: 'meta.n' is a number, not an object")
        #expect(formatError(doc, options: DecodeOptions(recordsPath: "data.items"))?.description
            == "recordsPath 'data.items' is a string, not an array of records")
        #expect(formatError("[{\"a\":1}]", options: DecodeOptions(recordsPath: "data"))?.description
            == "recordsPath 'data' not found: the document is an array, not an object")
        #expect(formatError("{\"data\":[{\"a\":1}],\n\"x\":1,}", options: DecodeOptions(recordsPath: "data"))?.description
            == "line 2: invalid JSON at byte 25: expected a string key")
        #expect(formatError("{\"data\":[{\"a\":1}]", options: DecodeOptions(recordsPath: "data"))?.description
            == "line 1: invalid JSON at byte 17: unexpected end of input in object")
        #expect(formatError("{\"m\":[1,}, \"data\":[]}", options: DecodeOptions(recordsPath: "data"))?.description
            == "line 1: invalid JSON at byte 8: unexpected character '}'")
    }

    @Test("a top-level object without recordsPath: its one array-of-objects member, else itself")
    func topLevelObject() throws {
        let wrapped = try decode(.json, "{\"data\":[{\"a\":1},{\"a\":2}],\"count\":2,\"tags\":[\"x\"]}")
        #expect(wrapped.rows == [#"{"a":1}"#, #"{"a":2}"#])
        #expect(wrapped.positions == [1, 2])
        let single = try decode(.json, "{\"a\":1,\"b\":[1,2]}")
        #expect(single.rows == [#"{"a":1,"b":[1,2]}"#])
        let ambiguous = try decode(.json, "{\"x\":[{\"a\":1}],\"y\":[{\"b\":2}]}")
        #expect(ambiguous.rows == [#"{"x":[{"a":1}],"y":[{"b":2}]}"#])
        let emptyPage = try decode(.json, "{\"results\":[],\"next\":null}")
        #expect(emptyPage.rows == [])
        #expect(emptyPage.chunkBytes == [26])
        #expect(formatError("{\"a\":1,\n\"b\":}")?.description == "line 2: invalid JSON at byte 12: unexpected character '}'")
    }

    @Test("every split point: strings with brackets and escapes, split numbers, BOM, CRLF")
    func chunkBoundaries() throws {
        let input: [UInt8] = [0xEF, 0xBB, 0xBF] + bytes(
            "[\r\n{\"s\":\"]}\\\"{[\",\"n\":123456},\r\n\"tail\\\"]\", 98765 ,{\"e\":\"\\u00e9\\ud83d\\ude00\"},{\"d\":{\"x\":[{}]}}, -0.5e-3 ]\r\n")
        let d = try expectChunkingInvariant(.json, input, options: DecodeOptions(batchSize: 2))
        #expect(d.rows == [#"{"s":"]}\"{[","n":123456}"#, #"{"e":"é😀"}"#, #"{"d":{"x":[{}]}}"#])
        #expect(d.positions == [1, 4, 5])
        #expect(d.rejections.map(\.record) == ["tail\"]", 98765, -0.0005])
    }
}
