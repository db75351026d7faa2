import SluiceCore
import Testing

@testable import SluiceFormats

/// Projection pushdown in the decoders: a projected decode must equal the full decode with the
/// other fields removed, with the same positions, chunks and rejections.
@Suite("Decoder projection")
struct ProjectionTests {
    /// The full decode's rows with only `keep` left, as compact JSON.
    func projectedRows(_ full: Decoded, keep: Set<String>) -> [String] {
        full.batches.flatMap(\.records).map { record in
            var out = ValueObject()
            for (key, value) in record.pairs where keep.contains(key) { out.appendUnchecked(key: key, value: value) }
            return JSONText.string(.object(out))
        }
    }

    func options(_ fields: Set<String>?, batchSize: Int = 3) -> DecodeOptions {
        var options = DecodeOptions(batchSize: batchSize)
        options.projection = fields
        return options
    }

    @Test func csvBuildsOnlyTheProjectedColumnsInHeaderOrder() throws {
        let csv = #"""
            id,name,amount,note,status
            1,Ann,10.5,"a, quoted ""note""",active
            2,Bob,7,plain,inactive
            3,"Cy
            line",3.25,x,active
            4,too,few
            5,Eve,,y,

            """#
        let keep: Set<String> = ["status", "amount", "missing"]
        let full = try decode(.csv, csv, options: options(nil))
        let projected = try decode(.csv, csv, options: options(keep))
        #expect(projected.fields.allSatisfy { $0 == ["amount", "status"] })
        #expect(projected.rows == projectedRows(full, keep: keep))
        #expect(projected.rows == [
            #"{"amount":10.5,"status":"active"}"#, #"{"amount":7,"status":"inactive"}"#,
            #"{"amount":3.25,"status":"active"}"#, #"{"amount":null,"status":null}"#,
        ])
        #expect(projected.positions == full.positions)
        #expect(projected.chunkBytes == full.chunkBytes)
        // The short row is refused with every cell it had, as without a projection.
        #expect(projected.rejections == full.rejections)
        #expect(projected.rejections.count == 1)
        #expect(projected.reasons == ["line 6: expected 5 fields, found 3"])
    }

    @Test func csvProjectionHoldsForEveryChunking() throws {
        let csv = Array("a,b,c\n1,\"x\ny\",2\n3,z,4\n5,\"q\"\"\",6\n".utf8)
        let projected = try expectChunkingInvariant(.csv, csv, options: options(["c", "a"]))
        #expect(projected.rows == [#"{"a":1,"c":2}"#, #"{"a":3,"c":4}"#, #"{"a":5,"c":6}"#])
    }

    @Test func ndjsonSkipsOtherMembersButStillChecksTheirSyntax() throws {
        let ndjson = """
            {"id":1,"status":"active","tags":["a","b"],"address":{"city":"X","zip":"1"},"amount":10}
            {"amount":2.5,"id":2,"status":"in\\"active","tags":[]}
            {"id":3,"tags":[1,,2],"status":"active","amount":1}
            {"id":4,"address":{"city":"Y"},"status":null}
            {"id":5,"st\\u0061tus":"escaped key","amount":3,"amount":4}
            {"id":6,"note":"bad \\x escape","status":"active"}
            [1,2]

            """
        let keep: Set<String> = ["status", "amount"]
        let full = try decode(.ndjson, ndjson, options: options(nil))
        let projected = try decode(.ndjson, ndjson, options: options(keep))
        #expect(projected.rows == projectedRows(full, keep: keep))
        #expect(projected.rows == [
            #"{"status":"active","amount":10}"#, #"{"status":"in\"active","amount":2.5}"#,
            #"{"status":null}"#, #"{"status":"escaped key","amount":4}"#,
        ])
        #expect(projected.positions == [1, 2, 4, 5])
        #expect(projected.positions == full.positions)
        #expect(projected.chunkBytes == full.chunkBytes)
        // Malformed values in skipped members are refused exactly as in a full decode.
        #expect(projected.rejections == full.rejections)
        #expect(projected.rejections.map(\.position) == [3, 6, 7])
    }

    @Test func ndjsonProjectionHoldsForEveryChunking() throws {
        let ndjson = Array(#"""
            {"a":1,"b":{"x":[1,2]},"c":"t"}
            {"c":"u","a":2}
            {"b":"only b"}

            """#.utf8)
        let projected = try expectChunkingInvariant(.ndjson, ndjson, options: options(["a", "c"], batchSize: 2))
        #expect(projected.rows == [#"{"a":1,"c":"t"}"#, #"{"a":2,"c":"u"}"#, "{}"])
    }

    @Test func jsonDocumentsProjectToo() throws {
        let json = #"{"data":[{"k":1,"v":"a","w":[1]},{"v":"b","k":2}]}"#
        var projectedOptions = options(["v"])
        projectedOptions.recordsPath = "data"
        let projected = try decode(.json, json, options: projectedOptions)
        #expect(projected.rows == [#"{"v":"a"}"#, #"{"v":"b"}"#])
    }

    /// Random records whose keys come in shifting orders, some repeated, some escaped: the
    /// projected decode equals the full one restricted to the kept fields.
    @Test func randomNDJSONMatchesTheFullDecode() throws {
        var rng = SplitMix(seed: 7)
        let keys = ["id", "name", "tags", "amount", "st\\u0061tus", "status", "nested"]
        var text = ""
        for i in 0..<2000 {
            var members: [String] = []
            for key in keys where rng.next() % 4 != 0 {
                let value: String
                switch rng.next() % 6 {
                case 0: value = "\(Int(rng.next() % 1000) - 500)"
                case 1: value = "\"s\(rng.next() % 50)\\n\""
                case 2: value = "[\(rng.next() % 9),{\"x\":null}]"
                case 3: value = "{\"a\":{\"b\":[true,false]}}"
                case 4: value = "null"
                default: value = "\(Double(rng.next() % 10_000) / 8)"
                }
                members.append("\"\(key)\":\(value)")
            }
            if rng.next() % 5 == 0 { members.shuffle(using: &rng) }
            if i % 97 == 0 { members.append("\"broken\":[1,}") }
            text += "{" + members.joined(separator: ",") + "}\n"
        }
        let keep: Set<String> = ["status", "amount", "id"]
        let full = try decode(.ndjson, text, options: options(nil, batchSize: 128))
        let projected = try decode(.ndjson, text, options: options(keep, batchSize: 128), pieces: [4096, 777])
        #expect(projected.rows == projectedRows(full, keep: keep))
        #expect(projected.positions == full.positions)
        #expect(projected.rejections == full.rejections)
        #expect(projected.rejections.count == 21)
    }
}
