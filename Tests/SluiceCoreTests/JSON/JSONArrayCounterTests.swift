import SluiceTestSupport
import Testing

@testable import SluiceCore

/// The structural array counter against the validating parser: on valid arrays it must give
/// the parser's element count and end, whatever the strings hold and wherever their quotes
/// fall in an eight-byte word.
@Suite struct JSONArrayCounterTests {
    /// `[elements, end]`, or nil.
    static func count(_ text: String, from start: Int = 0) -> [Int]? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { JSONArrayCounter.count(in: $0, from: start) }.map { [$0.elements, $0.end] }
    }

    @Test func countsTopLevelElementsOnly() {
        #expect(Self.count("[]") == [0, 2])
        #expect(Self.count("  [ ]") == [0, 5])
        #expect(Self.count("[1]") == [1, 3])
        #expect(Self.count(#"[1, "a", null, {"b": [1, 2, {"c": "]"}]}, [[]], true]"#) == [6, 53])
        #expect(Self.count(#"{"data": [{"x": ","}, {"x": "[{"}]}"#, from: 9) == [2, 34])  // the "]" before the closing "}"
    }

    @Test func stringsWithEscapesAndBracketsAreSkippedWhole() {
        #expect(Self.count(#"["\"", "\\", "a\\\"],[", "\u005d"]"#) == [4, 34])
        #expect(Self.count(#"["ends in a backslash \\"]"#) == [1, 26])
    }

    @Test func malformedArraysAreNotCounted() {
        for text in ["", "{}", "1", "[", "[1,", "[1,,2]", "[,1]", "[1,]", #"["open]"#, #"["\"]"#, "[1}", "[1, [2]"] {
            #expect(Self.count(text) == nil, "\(text)")
        }
    }

    /// Random arrays of random values (strings of every length and escape, nesting): the count
    /// and the end equal the parser's.
    @Test func agreesWithTheParserOnRandomArrays() throws {
        var random = SplitMix(seed: 16)
        for round in 0..<2000 {
            let elements = (0..<random.below(12)).map { _ in Self.value(&random, depth: 0) }
            let text = "[" + elements.joined(separator: random.below(2) == 0 ? "," : " ,\n ") + "]"
            let parsed = try JSONParser.parse(Array(text.utf8))
            guard case .array(let array) = parsed else {
                Issue.record("round \(round): not an array: \(text)")
                continue
            }
            let counted = Self.count(text)
            #expect(counted?.first == array.count, "round \(round): \(text)")
            #expect(counted?.last == text.utf8.count, "round \(round): \(text)")
        }
    }

    static func value(_ random: inout SplitMix, depth: Int) -> String {
        switch random.below(depth > 3 ? 4 : 6) {
        case 0: return String(random.below(1_000_000)) + (random.below(2) == 0 ? ".25" : "")
        case 1: return ["true", "false", "null"][random.below(3)]
        case 2, 3: return string(&random)
        case 4: return "[" + (0..<random.below(4)).map { _ in value(&random, depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            let members = (0..<random.below(4)).map { _ in string(&random) + ":" + value(&random, depth: depth + 1) }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    /// A JSON string of 0–40 characters drawn from plain letters, brackets, commas, quotes and
    /// backslashes (escaped), `\u` escapes and multi-byte characters.
    static func string(_ random: inout SplitMix) -> String {
        let pieces = ["a", "b", "[", "]", "{", "}", ",", ":", #"\""#, #"\\"#, #"\/"#, #"\u005d"#, "é", "€", "𝄞", " ", #"\n"#]
        return "\"" + (0..<random.below(41)).map { _ in pieces[random.below(pieces.count)] }.joined() + "\""
    }
}
