import SluiceCore
import Testing

@testable import SluiceOperators

/// Every refusal has an exact, readable message with the position where the problem is.
@Suite struct RegexSyntaxErrorTests {
    @Test(arguments: [
        // Constructs that need backtracking.
        (#"(a)\1"#, "backreferences (\\1) are not supported: Sluice uses a linear-time engine (at position 4)", 4),
        (#"(?P<x>a)(?P=x)"#, "backreferences (?P=name) are not supported: Sluice uses a linear-time engine (at position 9)", 9),
        (#"(?<x>a)\k<x>"#, "backreferences (\\k<name>) are not supported: Sluice uses a linear-time engine (at position 8)", 8),
        ("a(?=b)", "lookahead (?=...) is not supported: Sluice uses a linear-time engine (at position 2)", 2),
        ("a(?!b)", "negative lookahead (?!...) is not supported: Sluice uses a linear-time engine (at position 2)", 2),
        ("(?<=a)b", "lookbehind (?<=...) is not supported: Sluice uses a linear-time engine (at position 1)", 1),
        ("(?<!a)b", "negative lookbehind (?<!...) is not supported: Sluice uses a linear-time engine (at position 1)", 1),
        ("(?>a+)b", "atomic groups (?>...) are not supported: Sluice uses a linear-time engine (at position 1)", 1),
        ("a*+", "possessive quantifiers (*+) are not supported: Sluice uses a linear-time engine (at position 2)", 2),
        ("(?(1)a|b)", "conditionals (?(...)...) are not supported: Sluice uses a linear-time engine (at position 1)", 1),
        // Unbalanced brackets.
        ("(ab", "missing ')' to close the '(' at position 1", 1),
        ("a(b(c)", "missing ')' to close the '(' at position 2", 2),
        ("ab)", "unmatched ')' at position 3", 3),
        ("(a))", "unmatched ')' at position 4", 4),
        ("[ab", "missing ']' to close the '[' at position 1", 1),
        ("x[]", "missing ']' to close the '[' at position 2", 2),
        ("(?i", "missing ')' to close the '(' at position 1", 1),
        // Repetition.
        ("*a", "missing argument to repetition operator * at position 1", 1),
        ("a|+", "missing argument to repetition operator + at position 3", 3),
        ("(?:?)", "missing argument to repetition operator ? at position 4", 4),
        ("a**", "repetition operator * at position 3 follows another repetition; group the first one, as in (?:a*)*", 3),
        ("a{2}{3}", "repetition operator {3} at position 5 follows another repetition; group the first one, as in (?:a*){3}", 5),
        ("a{1001}", "repetition count in {1001} at position 2 is over the limit of 1000", 2),
        ("a{2,99999999999}", "repetition count in {2,99999999999} at position 2 is over the limit of 1000", 2),
        ("a{3,2}", "invalid repetition {3,2} at position 2: the minimum is larger than the maximum", 2),
        // Escapes and classes.
        (#"a\"#, "trailing backslash at the end of the pattern (position 2)", 2),
        (#"\q"#, "invalid escape sequence \\q at position 1", 1),
        (#"\Z"#, "\\Z is not supported (at position 1); use \\z for the end of the text", 1),
        (#"\pL"#, "Unicode property classes (\\p{...}) are not supported (at position 1); use explicit ranges like [\\x{0400}-\\x{04FF}]", 1),
        (#"\x4"#, "invalid escape sequence \\x at position 1: expected 2 hex digits", 1),
        (#"\x{110000}"#, "invalid escape sequence at position 1: not a Unicode scalar value", 1),
        (#"\x{12"#, "invalid escape sequence \\x{...} at position 1: expected hex digits and '}'", 1),
        ("[z-a]", "invalid character class range z-a at position 2: the start is after the end", 2),
        (#"[a-\d]"#, "invalid character class range at position 2: a range must end in a single character", 2),
        (#"[\b]"#, "\\b is not allowed in a character class (at position 2)", 2),
        ("[[:alfa:]]", "unknown character class [:alfa:] at position 2", 2),
        // Groups and flags.
        ("(?P<1x>a)", "invalid group name '1x' at position 1: use letters, digits and _", 1),
        ("(?<a>x)(?<a>y)", "duplicate group name 'a' at position 8", 8),
        ("(?P<a", "missing '>' after the group name at position 1", 1),
        ("(?x)a", "invalid or unsupported group syntax '(?x' at position 1; flags are i, m, s and U, as in (?i) or (?i:...)", 1),
        ("(?)", "invalid or unsupported group syntax '(?)' at position 1; flags are i, m, s and U, as in (?i) or (?i:...)", 1),
        ("(?i-)", "invalid or unsupported group syntax '(?i-)' at position 1; flags are i, m, s and U, as in (?i) or (?i:...)", 1),
        ("(?#note)", "comments (?#...) are not supported (at position 1)", 1),
    ])
    func refused(_ pattern: String, _ message: String, _ position: Int) throws {
        let error = try #require(throws: RegexSyntaxError.self, "\(pattern)") { try LinearRegex(pattern) }
        #expect(error.message == message, "\(pattern)")
        #expect(error.position == position, "\(pattern)")
    }

    /// What users see: the filter and validator messages name the pattern and the problem.
    @Test func messagesReachTheSpecErrors() throws {
        let filter = specError { _ = try ConditionCompiler.predicate("regex", .string(#"(\w+) \1"#), negated: false, path: "") }
        #expect(filter?.reason
            == #"invalid regular expression '(\w+) \1': backreferences (\1) are not supported: Sluice uses a linear-time engine (at position 7)"#)
        let expression = try #require(throws: RowFailure.self) { try ExpressionRegex("a(?=b)") }
        #expect(expression.reason
            == "invalid regular expression 'a(?=b)': lookahead (?=...) is not supported: Sluice uses a linear-time engine (at position 2)")
    }
}
