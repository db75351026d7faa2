import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("CSV encoder")
struct CSVEncoderTests {
    @Test("header, quoting, null/absent empty, empty string quoted, JSON for nested, ISO timestamps")
    func basic() {
        #expect(encode(.csv, [sampleBatch()]) == """
            id,score,ok,name,extra
            1,1.0,true,"Ann, ""A""\","[1,""x""]"
            -20,,false," padded",2024-01-02T03:04:05.000Z
            300,0.1,,"","{""k"":""line\\nbreak""}"

            """)
    }

    @Test("later batches are written in the header's order; missing fields empty, extra ones dropped")
    func laterBatches() throws {
        let first = RecordBatch(records: [ValueObject([("a", 1), ("b", "x")])])
        let second = RecordBatch(records: [ValueObject([("c", true), ("b", "y z "), ("a", 2.5)]), ValueObject([("c", false)])])
        #expect(encode(.csv, [first, second]) == "a,b\n1,x\n2.5,\"y z \"\n,\n")
        #expect(encode(.csv, [first, second], options: EncodeOptions(writeHeader: false)) == "1,x\n2.5,\"y z \"\n,\n")
    }

    @Test("other delimiters decide quoting; CR and LF force quotes; a lone null cell is written \"\"")
    func delimiterAndLoneCells() {
        let batch = RecordBatch(records: [
            ValueObject([("a", "1;2"), ("b", "c,d")]), ValueObject([("a", "x\ry"), ("b", .null)]),
        ])
        #expect(encode(.csv, [batch], options: EncodeOptions(delimiter: UInt8(ascii: ";"))) == "a;b\n\"1;2\";c,d\n\"x\ry\";\n")
        let single = RecordBatch(records: [ValueObject([("v", .null)]), ValueObject([("v", 3)])])
        #expect(encode(.csv, [single]) == "v\n\"\"\n3\n")
        let dotted = RecordBatch(records: [ValueObject([("n", 1.5), ("m", 7)])])
        #expect(encode(.csv, [dotted], options: EncodeOptions(delimiter: UInt8(ascii: "."))) == "n.m\n\"1.5\".7\n")
    }

    @Test("no batches: nothing at all")
    func nothing() {
        #expect(encode(.csv, []) == "")
    }
}
