import SluiceCore
import Testing

@testable import SluiceOperators

/// Patterns that take a backtracking engine exponential time finish here (the engine is linear
/// in the text) with the right answer, and patterns built to exhaust the stack or memory are
/// refused with an error instead of crashing.
@Suite struct RegexHostileInputTests {
    /// `a` repeated `count` times, then `suffix`.
    private func run(_ count: Int, _ suffix: String = "") -> String {
        String(repeating: "a", count: count) + suffix
    }

    @Test(arguments: [30, 33, 1_000, 5_000])
    func nestedPlusOverAlmostMatchingText(_ length: Int) throws {
        let regex = try LinearRegex("^(a+)+$")
        #expect(regex.matches(run(length - 1, "b")) == false)
        #expect(regex.matches(run(length)) == true)
        let match = try #require(regex.firstMatch(in: run(length)))
        #expect(match.groups == [0..<length, 0..<length])
    }

    @Test(arguments: [30, 1_000, 5_000])
    func overlappingAlternativesInALoop(_ length: Int) throws {
        let regex = try LinearRegex("(a|aa)+$")
        #expect(regex.matches(run(length - 1, "b")) == false)
        #expect(regex.matches(run(length - 1, "ba")) == true)
        // The match starts at the first `a` and, leftmost-first, takes one `a` per iteration.
        let match = try #require(regex.firstMatch(in: run(length)))
        #expect(match.groups == [0..<length, (length - 1)..<length])
    }

    @Test(arguments: [30, 1_000, 5_000])
    func starOfStarWithoutTheFinalLetter(_ length: Int) throws {
        let regex = try LinearRegex("(a*)*b")
        #expect(regex.matches(run(length)) == false)
        #expect(regex.matches(run(length, "b")) == true)
        let match = try #require(regex.firstMatch(in: run(length, "b")))
        #expect(match.range == 0..<(length + 1))
    }

    @Test(arguments: [30, 1_000, 5_000])
    func repeatedDotStarGroups(_ length: Int) throws {
        let regex = try LinearRegex("(.*a){20}")
        // Twenty `a`s are needed; the text has nineteen, spread out, then many `b`s.
        let nineteen = String(repeating: "ab", count: 19) + String(repeating: "b", count: length)
        #expect(regex.matches(nineteen) == false)
        #expect(regex.matches(nineteen + "a") == true)
        let twenty = try #require(regex.firstMatch(in: run(length)))
        #expect(twenty.groups == [0..<length, (length - 1)..<length])
    }

    @Test func deeplyNestedGroupsAreAnError() throws {
        let pattern = String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000)
        let error = try #require(throws: RegexSyntaxError.self) { try LinearRegex(pattern) }
        #expect(error.message == "groups nested too deeply at position 1001 (the limit is 1000)")
        #expect(error.position == 1_001)
        // Right at the limit it compiles and works.
        let deepest = String(repeating: "(", count: 1_000) + "a" + String(repeating: ")", count: 1_000)
        let regex = try LinearRegex(deepest)
        #expect(regex.captureCount == 1_000)
        #expect(regex.firstMatch(in: "xa")?.groups.count == 1_001)
        #expect(regex.firstMatch(in: "xa")?.groups.allSatisfy { $0 == 1..<2 } == true)
    }

    @Test func deeplyNestedNonCapturingGroupsAreAnError() throws {
        let pattern = String(repeating: "(?:", count: 10_000) + "a" + String(repeating: ")*", count: 10_000)
        let error = try #require(throws: RegexSyntaxError.self) { try LinearRegex(pattern) }
        #expect(error.message == "groups nested too deeply at position 3001 (the limit is 1000)")
    }

    @Test func aMillionCharacterPatternIsAnError() throws {
        let pattern = String(repeating: "a", count: 1_000_000)
        let error = try #require(throws: RegexSyntaxError.self) { try LinearRegex(pattern) }
        #expect(error.message == "pattern too long: 1000000 bytes (the limit is 65536)")
        #expect(error.position == nil)
        // The same through the schema validator's entry point.
        #expect(throws: RegexSyntaxError.self) { try CompiledPattern(pattern) }
    }

    @Test func repetitionsThatMultiplyIntoAHugeProgramAreAnError() throws {
        let error = try #require(throws: RegexSyntaxError.self) { try LinearRegex("((a{1000}){1000}){1000}") }
        #expect(error.message == "pattern too large: it would compile to more than 200000 instructions (nested repetition counts multiply)")
        let empty = try #require(throws: RegexSyntaxError.self) { try LinearRegex("(?:(?:(?:){1000}){1000}){1000}") }
        #expect(empty.message == error.message)
        // A large but reasonable one is fine.
        #expect(try LinearRegex("(?:[0-9a-f]{2}:){100}").matches(String(repeating: "0f:", count: 100)))
    }

    @Test func longTextsWithManyThreads() throws {
        // Many simultaneous threads over a long text with no match: every position starts one.
        let text = String(repeating: "ab", count: 10_000)
        #expect(try LinearRegex("(?:a|b)*c").matches(text) == false)
        #expect(try LinearRegex("[ab]{50}c").matches(text) == false)
        #expect(try LinearRegex("[ab]{50}$").firstMatch(in: text)?.range == 19_950..<20_000)
    }
}
