import Testing

@testable import SluiceFormats

@Suite("DataFormat")
struct DataFormatTests {
    @Test("formats by file extension")
    func fileExtensions() {
        #expect(DataFormat(fileExtensionOf: "/data/in.CSV") == .csv)
        #expect(DataFormat(fileExtensionOf: "out.tsv") == .csv)
        #expect(DataFormat(fileExtensionOf: "a.b/events.jsonl") == .ndjson)
        #expect(DataFormat(fileExtensionOf: "events.ndjson") == .ndjson)
        #expect(DataFormat(fileExtensionOf: "x.json") == .json)
        #expect(DataFormat(fileExtensionOf: "a.json/readme") == nil)
        #expect(DataFormat(fileExtensionOf: "data.parquet") == nil)
        #expect(DataFormat.allCases.map(\.rawValue) == ["json", "ndjson", "csv"])
    }

    @Test("FormatError reads 'line N: message'")
    func formatErrorText() {
        #expect(FormatError(line: 3, message: "bad").description == "line 3: bad")
        #expect(FormatError(line: nil, message: "bad").description == "bad")
    }
}
