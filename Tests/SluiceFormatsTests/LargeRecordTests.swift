import SluiceCore
import Testing

@testable import SluiceFormats

/// Records far larger than a chunk are carried over many feeds and still read exactly.
@Suite("Records spanning many chunks")
struct LargeRecordTests {
    let big = String(repeating: "ab,\"\n\r é", count: 20_000)

    @Test("a 200 KB quoted CSV cell fed in 1000-byte pieces")
    func csv() throws {
        let escaped = big.replacingOccurrences(of: "\"", with: "\"\"")
        let input = bytes("k,v\n1,\"\(escaped)\"\r\n2,x\n")
        let d = try decode(.csv, input, pieces: [1000])
        #expect(d.records == [["k": 1, "v": .string(big)], ["k": 2, "v": "x"]])
        #expect(d.positions == [2, 20_003])
        #expect(d.chunkBytes == [input.count])
    }

    @Test("a 200 KB NDJSON line and JSON element fed in 1000-byte pieces", arguments: [DataFormat.ndjson, .json])
    func json(format: DataFormat) throws {
        let record = JSONText.string(.object(ValueObject([("v", .string(big)), ("n", 1)])))
        let text = format == .json ? "[\(record),{\"n\":2}]" : "\(record)\n{\"n\":2}\n"
        let d = try decode(format, bytes(text), pieces: [1000])
        #expect(d.records == [["v": .string(big), "n": 1], ["n": 2]])
    }
}

extension String {
    /// `self` with every `target` replaced, without Foundation.
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
