import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct LimitTests {
    static func numbers(_ n: Int) throws -> RecordBatch {
        try batch("[" + (0..<n).map { #"{"n": \#($0)}"# }.joined(separator: ",") + "]")
    }

    @Test func keepsTheRowsAfterTheOffsetWhateverTheBatchSizes() throws {
        let input = try Self.numbers(20)
        for size in [1, 3, 7, 20] {
            let limit = try make(Limit.self, #"{"count": 5, "offset": 6}"#)
            var state = limit.makeState()
            var emitted: [Int] = []
            for piece in slices(input, size: size) {
                let out = try limit.consume(piece, into: &state).batch
                emitted += (0..<out.count).map { Int(out.value(row: $0, column: 0).number ?? -1) }
                // Rows leave as soon as they arrive.
                #expect(emitted.count == min(5, max(0, state.seen - 6)))
            }
            #expect(try limit.finish(state).isEmpty)
            #expect(emitted == [6, 7, 8, 9, 10])
        }
        let out = try runStateful(try make(Limit.self, #"{"count": 3}"#), slices(input, size: 2))
        #expect(text(out) == #"[{"n":0},{"n":1},{"n":2}]"#)
        #expect(out.positions == [1, 2, 3])
    }

    @Test func edgeCounts() throws {
        let input = try Self.numbers(4)
        #expect(try runStateful(try make(Limit.self, #"{"count": 0}"#), [input]).isEmpty)
        #expect(try runStateful(try make(Limit.self, #"{"count": 10, "offset": 4}"#), [input]).isEmpty)
        #expect(try runStateful(try make(Limit.self, #"{"count": 10, "offset": 2}"#), [input]).count == 2)
        #expect(try runStateful(try make(Limit.self, #"{"count": 9223372036854775807, "offset": 1}"#), [input]).count == 3)
    }

    @Test func configErrorsDemandAndLineage() throws {
        func message(_ config: String) -> String? { specError { _ = try make(Limit.self, config) }?.message }
        #expect(message(#"{"count": -1}"#) == "count: expected a number of records (0 or more), found -1")
        #expect(message(#"{"count": 1, "offset": -2}"#) == "offset: expected a number of records (0 or more), found -2")
        #expect(message(#"{}"#) == "count: required field is missing")
        let limit = try make(Limit.self, #"{"count": 1}"#)
        #expect(limit.inputDemand(forOutput: .only(["a"])) == .only(["a"]))
        #expect(limit.lineage(inputFields: ["a"]) == [FieldDerivation(output: "a", inputs: ["a"], how: "copy")])
    }
}
