import SluiceCore
import Testing

@testable import SluiceEngine

/// How an ingest body is detected and cut into batches, and how an unreadable one is refused.
@Suite struct IngestBodyTests {
    static func detect(_ text: String) -> IngestFormat {
        Array(text.utf8).withUnsafeBytes { IngestFormat.detect($0) }
    }

    static func decode(_ text: String, as format: IngestFormat?, batchSize: Int = 2) throws(IngestBodyError) -> IngestBody {
        try IngestBody(decoding: Array(text.utf8), as: format, batchSize: batchSize)
    }

    @Test func theFormatIsDetectedFromTheFirstLine() {
        #expect(Self.detect(#"[{"a": 1}]"#) == .json)
        #expect(Self.detect("  \n[\n{\"a\": 1}\n]") == .json)
        #expect(Self.detect(#"{"a": 1}"#) == .ndjson)
        #expect(Self.detect("{\"a\": 1}\r\n{\"a\": 2}\n") == .ndjson)
        #expect(Self.detect("\u{FEFF}{\"a\": 1}\n{\"a\": 2}") == .ndjson)
        #expect(Self.detect("{\n  \"a\": 1\n}") == .json, "an object over several lines is one document")
        #expect(Self.detect(#"{"a": 1}{"a": 2}"#) == .json, "two objects on a line are no NDJSON")
        #expect(Self.detect(#"{"a": "#) == .json, "a broken first line is refused as JSON, with its spot")
        #expect(Self.detect("42") == .json)
    }

    @Test func recordsComeInBatchesWithTheirRejections() throws {
        let array = try Self.decode(#"[{"a": 1}, 2, {"a": 3}, {"a": 4}, {"a": 5}]"#, as: .json)
        #expect(array.format == .json)
        #expect(array.received == 5)
        #expect(array.chunks.map(\.batch.count).filter { $0 > 0 } == [2, 2])
        #expect(array.chunks.flatMap(\.rejected).map(\.message) == ["record 2: expected an object, found number"])
        #expect(array.chunks.flatMap(\.batch.positions) == [1, 3, 4, 5])

        let wrapper = try Self.decode(#"{"id": 1, "items": [{"sku": "a"}, {"sku": "b"}]}"#, as: .json)
        #expect(wrapper.received == 1, "an object is one record, whatever it holds")
        #expect(wrapper.chunks.first?.batch.record(at: 0)["items"] == [["sku": "a"], ["sku": "b"]])

        let lines = try Self.decode("{\"a\": 1}\n\n[1]\n{\"a\": 2}\n{\"a\": 3}\n", as: nil)
        #expect(lines.format == .ndjson)
        #expect(lines.received == 4)
        #expect(lines.chunks.flatMap(\.batch.positions) == [1, 4, 5])
        #expect(lines.chunks.flatMap(\.rejected).map(\.message) == ["line 3: expected a JSON object, found array"])
        #expect(lines.byteCount == 32)
    }

    @Test func unreadableBodiesAreRefusedWithTheSpot() {
        #expect(throws: IngestBodyError(message: "request body is empty; expected a JSON object, a JSON array of objects or NDJSON lines")) {
            try Self.decode(" \r\n\t", as: .ndjson)
        }
        #expect(throws: IngestBodyError(message: "request body is not valid JSON: line 2: invalid JSON at byte 20: expected ',' or ']' in array")) {
            try Self.decode("[{\"a\": 1},\n{\"a\": 2} {\"a\": 3}]", as: .json)
        }
        #expect(throws: IngestBodyError(message: "request body is not valid JSON: line 1: expected a JSON array or object at the top level, found number")) {
            try Self.decode("42", as: nil)
        }
    }
}
