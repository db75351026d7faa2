import Testing

@testable import SluiceOperators

/// Our engine and the expression functions against DuckDB, whose regular expressions are RE2:
/// the semantics Python does not share (ASCII `\d \s \w`, `$` only at the very end, groups of
/// empty loop iterations, the empty-match rule of global replacement) are checked here.
@Suite struct RegexDuckDBDifferentialTests {
    /// Patterns where RE2 and Python disagree, each with texts.
    static let re2Specific: [(String, [String])] = [
        ("(a|)+", ["aab", "b", ""]),
        ("(a?)*?b", ["aab"]),
        ("(a*)+$", ["aaa"]),
        ("(a*|b)*", ["aab", "bba"]),
        ("(a|b|)*c", ["abc", "c"]),
        ("(|a)+", ["aa"]),
        ("(a*?)*", ["aa"]),
        ("((a)|b|)+", ["ab"]),
        ("ab$", ["ab\n", "ab"]),
        (#"\d+"#, ["٣4"]),
        (#"\s+"#, ["a\u{0B}\u{A0} b"]),
        (#"\w+"#, ["ñandú"]),
        (#"\bb"#, ["éb", "ab"]),
        (#"\B"#, ["", "a"]),
        ("(?i)ſ", ["S", "s"]),
        ("(?i)σ", ["Σ", "ς"]),
        ("(?i)ı", ["I", "i"]),
        ("(?i)[k-l]+", ["K\u{212A}L"]),
        (#"(?i)\W"#, ["\u{212A}", "-"]),
        ("[^a]", ["\n"]),
    ]

    /// Group texts (DuckDB's `regexp_extract` gives '' for a group that took no part) and
    /// whether there is a match, for the RE2-specific cases and 300 generated patterns that may
    /// repeat empty-matching groups.
    @Test func groupsMatchDuckDB() async throws {
        var cases = Self.re2Specific.flatMap { pattern, texts in texts.map { (pattern, $0) } }
        var generator = RegexPatternGenerator(random: DuckDBOracle.Generator(state: 99), allowEmptyLoops: true)
        for _ in 0..<300 {
            let pattern = generator.pattern().ours
            cases.append((pattern, generator.text()))
        }
        var queries: [(expression: String, parameters: [String])] = []
        var ours: [String] = []
        for (pattern, text) in cases {
            let regex = try LinearRegex(pattern)
            let match = regex.firstMatch(in: text)
            let utf8 = Array(text.utf8)
            // The whole match and the first two groups, when there are any.
            for group in 0...min(regex.captureCount, 2) {
                queries.append(("regexp_extract($1, $2, \(group))", [text, pattern]))
                ours.append(match.flatMap { $0.groups[group] }.map { String(decoding: utf8[$0], as: UTF8.self) } ?? "")
            }
            queries.append(("regexp_matches($1, $2)", [text, pattern]))
            ours.append(match == nil ? "false" : "true")
        }
        let duck = try await RegexOracle.duckDB(queries)
        try #require(duck.count == ours.count)
        var matched = 0
        for (index, query) in queries.enumerated() {
            #expect(ours[index] == duck[index], "\(query.expression) with \(query.parameters.map(\.debugDescription))")
            if duck[index] == "true" { matched += 1 }
        }
        #expect(matched > cases.count / 4)
        #expect(matched < cases.count)
    }

    /// `regex_replace` with and without `'g'` against DuckDB's `regexp_replace`, including
    /// empty matches, groups that took no part and multi-byte text.
    @Test func replacementMatchesDuckDB() async throws {
        let cases: [(String, String, String)] = [
            ("baaac", "a*", "-"), ("abc", "x*", "-"), ("ab", "", "-"), ("éa本", "", "-"), ("héllo wörld", "[aeiouéö]", "*"),
            ("john smith", #"(\w+) (\w+)"#, #"\2, \1"#), ("a1b22c333", "[0-9]+", #"<\0>"#), ("abc", "(x)?b", #"<\1>"#),
            ("aaa", "a*?", "-"), ("aaa", "a|", "-"), ("a.b.c", #"\."#, #"\\"#), ("x y  z", " *", "_"), ("", "^", "s"),
            ("line1\nline2", "(?m)^", "> "), ("line1\nline2", "(?m)$", ";"), ("abab", "(?:ab)*", "[$0]"), ("日本語", ".", #"\0\0"#),
        ]
        var queries: [(expression: String, parameters: [String])] = []
        var ours: [String] = []
        for (text, pattern, replacement) in cases {
            let regex = try ExpressionRegex(pattern)
            for global in [false, true] {
                queries.append(("regexp_replace($1, $2, $3, $4)", [text, pattern, replacement, global ? "g" : ""]))
                ours.append(regex.replacing(in: text, with: replacement, global: global))
            }
        }
        let duck = try await RegexOracle.duckDB(queries)
        try #require(duck.count == ours.count)
        for (index, query) in queries.enumerated() {
            #expect(ours[index] == duck[index], "regexp_replace(\(query.parameters.map(\.debugDescription).joined(separator: ", ")))")
        }
    }
}
