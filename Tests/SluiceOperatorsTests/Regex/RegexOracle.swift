import Foundation
import SluiceTestSupport

@testable import SluiceOperators

/// One search to compare: our pattern, the same pattern in Python's syntax (Python spells some
/// things differently: `\Z` for `\z`, `(?P<n>` for `(?<n>`, `[0-9]` for ASCII `\d`), and the text.
struct RegexCase: Codable, Sendable, CustomStringConvertible {
    let pattern: String
    let python: String
    let text: String

    init(_ pattern: String, python: String? = nil, _ text: String) {
        self.pattern = pattern
        self.python = python ?? pattern
        self.text = text
    }

    var description: String { "pattern \(pattern.debugDescription) (Python \(python.debugDescription)) on \(text.debugDescription)" }
}

/// Spans of a match and its groups in Unicode scalars (`nil` for a group that took no part),
/// `nil` for no match: what the oracles and our engine are compared on.
typealias ScalarSpans = [[Int]?]?

enum RegexOracle {
    /// Python's `re.search` of every case, run in one python3 process.
    static func python(_ cases: [RegexCase]) async throws -> [ScalarSpans] {
        let script = """
            import json, re, sys
            out = []
            for case in json.load(sys.stdin):
                m = re.search(case["python"], case["text"])
                if m is None:
                    out.append(None)
                else:
                    out.append([None if m.span(g) == (-1, -1) else list(m.span(g)) for g in range(len(m.groups()) + 1)])
            print(json.dumps(out))
            """
        let input = String(decoding: try JSONEncoder().encode(cases), as: UTF8.self)
        let output = try await Python.run(script, input: input)
        return try JSONDecoder().decode([ScalarSpans].self, from: Data(output.utf8))
    }

    /// Our engine's leftmost-first match of `regexCase`, in scalar offsets.
    static func ours(_ regexCase: RegexCase) throws -> ScalarSpans {
        let regex = try LinearRegex(regexCase.pattern)
        guard let match = regex.firstMatch(in: regexCase.text) else { return nil }
        return match.groups.map { $0.map { [scalarOffset(regexCase.text, $0.lowerBound), scalarOffset(regexCase.text, $0.upperBound)] } }
    }

    /// The number of scalars in the first `byteOffset` UTF-8 bytes of `text`.
    static func scalarOffset(_ text: String, _ byteOffset: Int) -> Int {
        let index = text.utf8.index(text.utf8.startIndex, offsetBy: byteOffset)
        return text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: index)
    }

    /// DuckDB (RE2) results of SQL expressions with `$1`, `$2`, … parameters, run in one
    /// python3 process: text as it is, booleans as `true` or `false`.
    static func duckDB(_ queries: [(expression: String, parameters: [String])]) async throws -> [String] {
        struct Query: Encodable {
            let expression: String
            let parameters: [String]
        }
        let script = """
            import duckdb, json, sys
            con = duckdb.connect()
            out = []
            for query in json.load(sys.stdin):
                value = con.execute("SELECT " + query["expression"], query["parameters"]).fetchone()[0]
                out.append(str(value).lower() if isinstance(value, bool) else value)
            print(json.dumps(out))
            """
        let input = String(decoding: try JSONEncoder().encode(queries.map { Query(expression: $0.expression, parameters: $0.parameters) }), as: UTF8.self)
        let output = try await Python.run(script, input: input)
        return try JSONDecoder().decode([String].self, from: Data(output.utf8))
    }
}

/// Random patterns written in both syntaxes, with texts to search, for the differential tests.
/// Repeated sub-patterns never match the empty string unless `allowEmptyLoops`, since Python
/// and RE2 legitimately differ on the groups of empty iterations (`(a|)+`).
struct RegexPatternGenerator {
    var random: DuckDBOracle.Generator
    var allowEmptyLoops = false

    /// A pattern in our syntax, in Python's, and whether it can match the empty string.
    typealias Generated = (ours: String, python: String, nullable: Bool)

    /// A whole pattern.
    mutating func pattern() -> Generated {
        alternation(depth: 0)
    }

    /// A text over the letters the patterns use, plus a few that they don't. Never empty:
    /// Python's `\B` (before 3.14) does not match in an empty text, unlike RE2's.
    mutating func text() -> String {
        let alphabet: [String] = ["a", "b", "c", "a", "b", "A", "B", "1", " ", "_", "\n", ".", "é"]
        return (0..<(1 + random.below(8))).map { _ in alphabet[random.below(alphabet.count)] }.joined()
    }

    private mutating func alternation(depth: Int) -> Generated {
        let count = random.below(5) == 0 ? 2 + random.below(2) : 1
        var parts: [Generated] = []
        for _ in 0..<count { parts.append(sequence(depth: depth)) }
        return (parts.map(\.ours).joined(separator: "|"), parts.map(\.python).joined(separator: "|"), parts.contains { $0.nullable })
    }

    private mutating func sequence(depth: Int) -> Generated {
        var ours = ""
        var python = ""
        var nullable = true
        for _ in 0..<(1 + random.below(3)) {
            let item = quantified(depth: depth)
            ours += item.ours
            python += item.python
            nullable = nullable && item.nullable
        }
        return (ours, python, nullable)
    }

    private mutating func quantified(depth: Int) -> Generated {
        let (ours, python, nullable, isAssertion) = atom(depth: depth)
        guard !isAssertion, allowEmptyLoops || !nullable, random.below(3) == 0 else { return (ours, python, nullable) }
        let quantifiers: [(String, Bool)] = [("*", true), ("+", false), ("?", true), ("{2}", false), ("{1,2}", false), ("{0,2}", true), ("{2,}", false)]
        let (quantifier, makesNullable) = quantifiers[random.below(quantifiers.count)]
        let lazy = random.below(3) == 0 ? "?" : ""
        return (ours + quantifier + lazy, python + quantifier + lazy, nullable || makesNullable)
    }

    private mutating func atom(depth: Int) -> (String, String, Bool, Bool) {
        let choice = random.below(depth < 3 ? 16 : 11)
        switch choice {
        case 0, 1, 2, 3:
            let letter = ["a", "b", "c", "a"][random.below(4)]
            return (letter, letter, false, false)
        case 4: return random.below(3) == 0 ? ("(?s:.)", "(?s:.)", false, false) : (".", ".", false, false)
        case 5:
            let classes = ["[ab]", "[^a]", "[a-c]", "[^b\\n]", "[.b]", "[A-Ca]"]
            let chosen = classes[random.below(classes.count)]
            return (chosen, chosen, false, false)
        case 6:
            let escapes: [(String, String)] = [("\\d", "[0-9]"), ("\\w", "[0-9A-Za-z_]"), ("\\s", "[\\t\\n\\f\\r ]"), ("\\W", "[^0-9A-Za-z_]"), ("\\.", "\\.")]
            let (ours, python) = escapes[random.below(escapes.count)]
            return (ours, python, false, false)
        case 7:
            let anchors: [(String, String)] = [
                ("^", "^"), ("$", "\\Z"), ("\\b", "(?a:\\b)"), ("\\B", "(?a:\\B)"), ("\\A", "\\A"), ("\\z", "\\Z"), ("(?m:^)", "(?m:^)"),
                ("(?m:$)", "(?m:$)"),
            ]
            let (ours, python) = anchors[random.below(anchors.count)]
            return (ours, python, true, true)
        case 8: return ("é", "é", false, false)
        case 9: return ("A", "A", false, false)
        case 10: return (" ", " ", false, false)
        default:
            let inner = alternation(depth: depth + 1)
            switch random.below(4) {
            case 0: return ("(?:\(inner.ours))", "(?:\(inner.python))", inner.nullable, false)
            case 1: return ("(?i:\(inner.ours))", "(?i:\(inner.python))", inner.nullable, false)
            default: return ("(\(inner.ours))", "(\(inner.python))", inner.nullable, false)
            }
        }
    }
}
