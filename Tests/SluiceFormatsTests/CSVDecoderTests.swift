import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("CSV decoder")
struct CSVDecoderTests {
    @Test("infers int, double, bool, text and null per cell")
    func inference() throws {
        let d = try decode(.csv, "a,b,c,d,e\n1,2.5,true,hello,\n-12,1e3,FALSE,x y,\n")
        #expect(d.rows == [#"{"a":1,"b":2.5,"c":true,"d":"hello","e":null}"#, #"{"a":-12,"b":1000.0,"c":false,"d":"x y","e":null}"#])
        #expect(d.positions == [2, 3])
        #expect(storageKind(d.batches[0], "a") == "ints")
        #expect(storageKind(d.batches[0], "b") == "doubles")
        #expect(storageKind(d.batches[0], "c") == "bools")
        #expect(storageKind(d.batches[0], "d") == "text")
    }

    @Test("number spellings")
    func numberSpellings() throws {
        let cells = [
            "+5", ".5", "5.", "-0.25", "1.5E-2", "007", "12abc", "1e", "-", ".", "nan", "inf", "0x10", " 12", "1,5",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "123456789012345678901234", "tRuE", "yes",
        ]
        let input = "v\n" + cells.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: "\n") + "\n"
        let d = try decode(.csv, input)
        let values = d.records.map { $0.value(atPath: "v") ?? .null }
        #expect(values.map { JSONText.string($0) } == [
            "5", "0.5", "5.0", "-0.25", "0.015", "7", #""12abc""#, #""1e""#, #""-""#, #"".""#, #""nan""#, #""inf""#,
            #""0x10""#, #"" 12""#, #""1,5""#, "9223372036854775807", "9.223372036854776e+18", "-9223372036854775808",
            "1.2345678901234569e+23", "true", #""yes""#,
        ])
    }

    @Test("quoted cells: escapes, delimiters, line breaks; a quoted cell is always text")
    func quoting() throws {
        let input = "a,b,c,d,e\n\"x,y\",\"he said \"\"hi\"\"\",\"line1\nline2\",\"\",\"12\"\nplain,\"\"\"\",\"a\r\nb\",,\"ab\"cd\n"
        let d = try decode(.csv, input)
        #expect(d.records == [
            ["a": "x,y", "b": "he said \"hi\"", "c": "line1\nline2", "d": "", "e": "12"],
            ["a": "plain", "b": "\"", "c": "a\r\nb", "d": .null, "e": "abcd"],
        ])
        #expect(d.positions == [2, 4])
    }

    @Test("CRLF line ends, no final newline, BOM")
    func lineEnds() throws {
        let input: [UInt8] = [0xEF, 0xBB, 0xBF] + bytes("id,name\r\n1,Ann\r\n2,\"Bo\"\r\n3,Cy")
        let d = try expectChunkingInvariant(.csv, input)
        #expect(d.fields == [["id", "name"]])
        #expect(d.rows == [#"{"id":1,"name":"Ann"}"#, #"{"id":2,"name":"Bo"}"#, #"{"id":3,"name":"Cy"}"#])
        #expect(d.chunkBytes == [input.count])
    }

    @Test("blank lines are skipped and do not shift line numbers")
    func blankLines() throws {
        let d = try decode(.csv, "\na,b\n\n1,2\r\n\r\n\n3,4\n\n")
        #expect(d.rows == [#"{"a":1,"b":2}"#, #"{"a":3,"b":4}"#])
        #expect(d.positions == [4, 7])
    }

    @Test("a row with the wrong field count is rejected with its line, and reading goes on")
    func fieldCount() throws {
        let d = try decode(.csv, "a,b,c\n1,2,3\n4,5\n\"multi\nline\",7,8,9\n10,11,12\n")
        #expect(d.rows == [#"{"a":1,"b":2,"c":3}"#, #"{"a":10,"b":11,"c":12}"#])
        #expect(d.positions == [2, 6])
        #expect(d.rejections == [
            Rejection(record: ["a": "4", "b": "5"], reasons: ["line 3: expected 3 fields, found 2"], position: 3, stage: "source"),
            Rejection(
                record: ["a": "multi\nline", "b": "7", "c": "8"], reasons: ["line 4: expected 3 fields, found 4"], position: 4,
                stage: "source"),
        ])
    }

    @Test("an unterminated quote at the end is one rejection")
    func unterminated() throws {
        let d = try expectChunkingInvariant(.csv, bytes("a,b\n1,2\n3,\"open\n4,5\n"))
        #expect(d.rows == [#"{"a":1,"b":2}"#])
        #expect(d.rejections == [
            Rejection(
                record: .string("3,\"open\n4,5\n"), reasons: ["line 3: unterminated quoted field (the closing '\"' is missing)"],
                position: 3, stage: "source")
        ])
    }

    @Test("empty input, header only, whitespace only")
    func emptyInputs() throws {
        let empty = try decode(.csv, "")
        #expect(empty.chunkRows == [])
        let headerOnly = try decode(.csv, "a,b\n")
        #expect(headerOnly.fields == [["a", "b"]])
        #expect(headerOnly.chunkRows == [0])
        #expect(headerOnly.chunkBytes == [4])
        let blank = try decode(.csv, "\n\r\n")
        #expect(blank.chunkRows == [0])
        #expect(blank.chunkBytes == [3])
        #expect(blank.fields == [[]])
    }

    @Test("no header: fields are column1, column2, …; positions start at line 1")
    func noHeader() throws {
        let d = try decode(.csv, "1,x\n2,y\n", options: DecodeOptions(hasHeader: false))
        #expect(d.fields == [["column1", "column2"]])
        #expect(d.rows == [#"{"column1":1,"column2":"x"}"#, #"{"column1":2,"column2":"y"}"#])
        #expect(d.positions == [1, 2])
    }

    @Test("other delimiters")
    func delimiters() throws {
        let semicolon = try decode(.csv, "a;b\n\"1;2\";3,5\n", options: DecodeOptions(delimiter: UInt8(ascii: ";")))
        #expect(semicolon.rows == [#"{"a":"1;2","b":"3,5"}"#])
        let tab = try decode(.csv, "a\tb\nx y\t2\n", options: DecodeOptions(delimiter: 0x09))
        #expect(tab.rows == [#"{"a":"x y","b":2}"#])
    }

    @Test("duplicate and empty header names are made unique")
    func headerNames() throws {
        let d = try decode(.csv, "a,a,,b,a\n1,2,3,4,5\n")
        #expect(d.fields == [["a", "a_2", "column3", "b", "a_3"]])
    }

    @Test("declared types: number, boolean, string, date, object")
    func schemaTyping() throws {
        let types: [String: FieldType] = ["zip": .string, "n": .number, "ok": .boolean, "day": .date, "meta": .object]
        let input = "zip,n,ok,day,meta,free\n00123, 12 ,yes,2024-01-02,\"{\"\"k\"\":1}\",00123\n\"007\",\"1.5\",0,,nope,\"\"\n9,abc,maybe,x,,\n"
        let d = try decode(.csv, input, options: DecodeOptions(fieldTypes: types))
        #expect(d.records == [
            ["zip": "00123", "n": 12, "ok": true, "day": "2024-01-02", "meta": ["k": 1], "free": 123],
            ["zip": "007", "n": 1.5, "ok": false, "day": .null, "meta": "nope", "free": ""],
            ["zip": "9", "n": "abc", "ok": "maybe", "day": "x", "meta": .null, "free": .null],
        ])
        #expect(d.rows[1] == #"{"zip":"007","n":1.5,"ok":false,"day":null,"meta":"nope","free":""}"#)
        #expect(storageKind(d.batches[0], "zip") == "text")
    }

    @Test("batches have batchSize rows and their bytes add up to the input")
    func batching() throws {
        let input = "a\n1\n2\n3\nx,y\n4\n5\n"
        let d = try expectChunkingInvariant(.csv, bytes(input), options: DecodeOptions(batchSize: 2))
        #expect(d.chunkRows == [2, 2, 1])
        // a\n1\n2\n | 3\nx,y\n4\n | 5\n
        #expect(d.chunkBytes == [6, 8, 2])
        #expect(d.rejections.count == 1)
        #expect(d.positions == [2, 3, 4, 6, 7])
    }

    @Test("every split point and small pieces give the same result on tricky input")
    func chunkBoundaries() throws {
        let input: [UInt8] = [0xEF, 0xBB, 0xBF] + bytes(
            "id,\"na\"\"me\",note\r\n1,\"a,b\",\"x\r\ny\"\r\n\r\n2,\"\"\"\",plain\n3,,\"ab\"cd\n4,5\n6,\"q\"\"\",\"\"\r\n7,\"end\",")
        let d = try expectChunkingInvariant(.csv, input, options: DecodeOptions(batchSize: 2))
        #expect(d.fields[0] == ["id", "na\"me", "note"])
        #expect(d.rows == [
            #"{"id":1,"na\"me":"a,b","note":"x\r\ny"}"#, #"{"id":2,"na\"me":"\"","note":"plain"}"#,
            #"{"id":3,"na\"me":null,"note":"abcd"}"#, #"{"id":6,"na\"me":"q\"","note":""}"#, #"{"id":7,"na\"me":"end","note":null}"#,
        ])
        #expect(d.positions == [2, 5, 6, 8, 9])
        #expect(d.reasons == ["line 7: expected 3 fields, found 2"])
    }
}
