import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("Round trips")
struct RoundTripTests {
    /// Random records (nested values, escapes, unicode, numbers of every size).
    func randomRecords(_ count: Int, seed: UInt64) -> [ValueObject] {
        var rng = SplitMix(seed: seed)
        return (0..<count).map { _ in randomObject(&rng, depth: 0) }
    }

    @Test("NDJSON and JSON: decode(encode(records)) gives the same records, streamed in small pieces", arguments: [DataFormat.ndjson, .json])
    func jsonFormats(format: DataFormat) throws {
        let records = randomRecords(2000, seed: 9)
        let batches = stride(from: 0, to: records.count, by: 300).map {
            RecordBatch(records: Array(records[$0..<min($0 + 300, records.count)]))
        }
        let text = encode(format, batches)
        let decoded = try decode(format, Array(text.utf8), options: DecodeOptions(batchSize: 256), pieces: [4096, 17, 1])
        #expect(decoded.rejections.isEmpty)
        #expect(decoded.batches.flatMap(\.records).map(sortedKeys) == records.map(sortedKeys))
        #expect(decoded.chunkBytes.reduce(0, +) == text.utf8.count)
    }

    @Test("CSV: canonical text survives decode → encode byte for byte")
    func csvText() throws {
        let text = "id,name,note,amount,ok\n1,Ann,\"a,b\",2.5,true\n2,\"B \"\"Bo\"\"\",\"multi\nline\",-3,false\n3,,\"\",1e-07,\n"
        let decoded = try decode(.csv, text)
        #expect(encode(.csv, decoded.batches) == text)
    }

    @Test("CSV: typed records survive encode → decode with a schema")
    func csvTyped() throws {
        let records: [ValueObject] = (0..<500).map { i in
            let code = String(repeating: "0", count: 5 - String(i).count) + String(i)
            let note: Value = i % 5 == 0 ? .null : .string("n \"\(i)\",\n x")
            var record = ValueObject()
            record["id"] = .int(i * 7919 - 1000)
            record["price"] = .double(Double(i) / 8 - 3.3)
            record["ok"] = .bool(i % 3 == 0)
            record["code"] = .string(code)
            record["note"] = note
            return record
        }
        let text = encode(.csv, [RecordBatch(records: records)])
        let types: [String: FieldType] = ["id": .number, "price": .number, "ok": .boolean, "code": .string, "note": .string]
        let decoded = try decode(.csv, Array(text.utf8), options: DecodeOptions(fieldTypes: types), pieces: [1000, 3])
        #expect(decoded.batches.flatMap(\.records).map { JSONText.string(.object($0)) } == records.map { JSONText.string(.object($0)) })
    }
}
