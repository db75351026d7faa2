import SluiceCore
import Testing

@testable import SluiceFormats

/// CSV and NDJSON are read by one chunked driver (``ChunkedRecordDriver``): whatever the
/// chunk size, the records, rejections (with their lines and messages), batches and bytes
/// must be exactly those of reading the input in one chunk.
@Suite("Every chunk size gives the one-chunk result")
struct ChunkSizeTests {
    /// Longer than most chunk sizes tried, with a delimiter, quotes and a line break inside.
    static let long = String(repeating: "long, \"\"quoted\"\" text\n", count: 6)

    /// A BOM, CRLF and LF, blank lines, quoted line breaks, rows with the wrong field count,
    /// text after a closing quote, a record longer than the chunk and an unterminated quote.
    static let csv: [UInt8] = [0xEF, 0xBB, 0xBF] + bytes(
        "id,name,note\r\n1,\"Ann\",\"line one\nline two\"\r\n\r\n2,Bo,plain\n\n3,bad\n4,\"q\"\"uote\",\"\(long)\"\r\n"
            + "5,\"x\"y,z\n6,7,8,9\n7,Cy,\"\"\r\n8,\"open\n9,Dee")

    /// The same for NDJSON: a BOM, CRLF and LF, blank and whitespace-only lines, escaped line
    /// breaks, a raw line break inside a string (two bad lines), invalid and non-object
    /// lines, a record longer than the chunk and no final line feed.
    static let ndjson: [UInt8] = [0xEF, 0xBB, 0xBF] + bytes(
        "{\"id\":1,\"s\":\"a\\nb\"}\r\n\n  \r\n{\"id\":2,\"long\":\"\(long.replacingQuotesAndBreaks())\"}\nnope\n"
            + "{\"id\":3,\"bad\":}\r\n[1]\n{\"id\":4,\"s\":\"broken\n\"}\n{\"id\":5,\"o\":{\"k\":[1,2]}}\n\t{\"id\":6}")

    @Test("CSV", arguments: [1, 2, 4096])
    func csv(batchSize: Int) throws {
        let d = try expectChunkingInvariant(.csv, Self.csv, options: DecodeOptions(batchSize: batchSize))
        #expect(d.fields.first == ["id", "name", "note"])
        #expect(d.records == [
            ["id": 1, "name": "Ann", "note": "line one\nline two"], ["id": 2, "name": "Bo", "note": "plain"],
            ["id": 4, "name": "q\"uote", "note": .string(Self.long.replacingOccurrences(of: "\"\"", with: "\""))],
            ["id": 5, "name": "xy", "note": "z"], ["id": 7, "name": "Cy", "note": ""],
        ])
        #expect(d.positions == [2, 5, 8, 15, 17])
        #expect(d.rejections.map(\.position) == [7, 16, 18])
        #expect(d.reasons == [
            "line 7: expected 3 fields, found 2", "line 16: expected 3 fields, found 4",
            "line 18: unterminated quoted field (the closing '\"' is missing)",
        ])
        #expect(d.rejections.last?.record == .string("8,\"open\n9,Dee"))
        #expect(d.chunkRows.reduce(0, +) == 5)
        #expect(d.chunkBytes.reduce(0, +) == Self.csv.count)
    }

    @Test("CSV blocks: column names without a header, a first line, a projection")
    func csvBlock() throws {
        var options = DecodeOptions(batchSize: 2, hasHeader: false)
        options.columnNames = ["id", "name", "note"]
        options.firstLine = 3
        options.projection = ["note", "id"]
        let body = Array(Self.csv.dropFirst(3 + "id,name,note\r\n".utf8.count))
        let d = try expectChunkingInvariant(.csv, body, options: options)
        #expect(d.fields.allSatisfy { $0 == ["id", "note"] })
        #expect(d.positions == [3, 6, 9, 16, 18])
        #expect(d.rejections.map(\.position) == [8, 17, 19])
        #expect(d.records[1] == ["id": 2, "note": "plain"])
    }

    @Test("NDJSON", arguments: [1, 2, 4096])
    func ndjson(batchSize: Int) throws {
        let d = try expectChunkingInvariant(.ndjson, Self.ndjson, options: DecodeOptions(batchSize: batchSize))
        #expect(d.records.count == 4)
        #expect(d.records.first == ["id": 1, "s": "a\nb"])
        #expect(d.positions == [1, 4, 10, 11])
        #expect(d.rejections.map(\.position) == [5, 6, 7, 8, 9])
        #expect(d.reasons == [
            "line 5: invalid JSON at byte 0: invalid literal",
            "line 6: invalid JSON at byte 14: unexpected character '}'",
            "line 7: expected a JSON object, found array",
            "line 8: invalid JSON at byte 19: unterminated string",
            "line 9: invalid JSON at byte 2: unterminated string",
        ])
        #expect(d.rejections.map(\.record) == [
            .string("nope"), .string("{\"id\":3,\"bad\":}"), .string("[1]"), .string("{\"id\":4,\"s\":\"broken"), .string("\"}"),
        ])
        #expect(d.chunkBytes.reduce(0, +) == Self.ndjson.count)
    }

    @Test("NDJSON blocks: a first line and a projection")
    func ndjsonBlock() throws {
        var options = DecodeOptions(batchSize: 2)
        options.firstLine = 40
        options.projection = ["id", "o"]
        let d = try expectChunkingInvariant(.ndjson, Self.ndjson, options: options)
        #expect(d.positions == [40, 43, 49, 50])
        #expect(d.rejections.map(\.position) == [44, 45, 46, 47, 48])
        #expect(d.records == [["id": 1], ["id": 2], ["id": 5, "o": ["k": [1, 2]]], ["id": 6]])
    }
}

extension String {
    /// `self` as the body of a JSON string: quotes and line feeds escaped.
    fileprivate func replacingQuotesAndBreaks() -> String {
        replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// `self` with every `target` replaced, without Foundation.
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
