import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("JSON and NDJSON encoders")
struct JSONEncoderTests {
    @Test("NDJSON: one compact object per line, batch field order, absent omitted, null kept")
    func ndjson() {
        let text = encode(.ndjson, [sampleBatch()])
        #expect(text == """
            {"id":1,"score":1.0,"ok":true,"name":"Ann, \\"A\\"","extra":[1,"x"]}
            {"id":-20,"score":null,"ok":false,"name":" padded","extra":"2024-01-02T03:04:05.000Z"}
            {"id":300,"score":0.1,"name":"","extra":{"k":"line\\nbreak"}}

            """)
    }

    @Test("JSON: an array with one object per line; [] when there are no rows")
    func jsonArray() {
        let batch = sampleBatch()
        let first = batch.selecting([0])
        let rest = batch.selecting([2])
        #expect(encode(.json, [first, RecordBatch.empty, rest]) == """
            [
            {"id":1,"score":1.0,"ok":true,"name":"Ann, \\"A\\"","extra":[1,"x"]},
            {"id":300,"score":0.1,"name":"","extra":{"k":"line\\nbreak"}}
            ]

            """)
        #expect(encode(.json, []) == "[]\n")
        #expect(encode(.json, [RecordBatch.empty]) == "[]\n")
        #expect(encode(.ndjson, []) == "")
    }

    @Test("doubles: shortest round-trip form; non-finite become null")
    func doubles() {
        let column = Column(storage: .doubles([1e-7, 123456789.125, 1e21, .infinity, -0.0]))
        let batch = RecordBatch(fields: ["d"], columns: [column], positions: [1, 2, 3, 4, 5])
        #expect(encode(.ndjson, [batch]) == "{\"d\":1e-07}\n{\"d\":123456789.125}\n{\"d\":1e+21}\n{\"d\":null}\n{\"d\":-0.0}\n")
    }
}
