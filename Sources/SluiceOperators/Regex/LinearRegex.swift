// Why Sluice has its own regular-expression engine
//
// Swift's `Regex` (like Foundation's `NSRegularExpression`) is a backtracking engine: a pattern
// such as `^(a+)+$` over a few dozen characters of `a…ab` takes exponential time, has no step
// budget and does not check for cancellation, so one hostile `pattern` validator or filter
// froze a worker thread and with it the server. No linear-time regex package is available to
// the project, so this folder implements an RE2-style engine: a parser (RegexParser), a compiler
// to a Thompson NFA program (RegexCompiler) and a Pike VM (PikeVM). Matching takes time
// proportional to the pattern size times the text length, memory proportional to the pattern
// size, and nothing recurses on input. DuckDB, the oracle of the expression functions, uses
// RE2, so the syntax and the leftmost-first match semantics here are RE2's: Perl-style groups,
// classes, anchors, flags and lazy quantifiers; no backreferences or lookaround (refused when
// compiling, with a message saying why).

/// A compiled regular expression that matches in linear time. An immutable value, safe to
/// share between threads.
struct LinearRegex: Sendable {
    /// The pattern as it was written.
    let pattern: String
    /// The number of capture groups, not counting the whole match.
    let captureCount: Int
    /// The names of named groups (`(?P<name>...)`, `(?<name>...)`) by group index.
    let groupNames: [Int: String]
    private let program: RegexProgram

    /// Compiles `pattern`; throws a readable message (with the position when there is one)
    /// when it is invalid, uses an unsupported construct or exceeds a limit.
    init(_ pattern: String) throws(RegexSyntaxError) {
        let tree = try RegexParser.parse(pattern)
        self.pattern = pattern
        captureCount = tree.captureCount
        groupNames = tree.groupNames
        program = try RegexCompiler.compile(tree)
    }

    /// Whether `text` contains a match anywhere.
    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches(utf8: $0) }
    }

    /// Whether the UTF-8 `text` contains a match anywhere.
    func matches(utf8 text: UnsafeBufferPointer<UInt8>) -> Bool {
        if program.isPureLiteral {
            return program.literalPrefix.isEmpty || PikeVM.find(program.literalPrefix, in: text, from: 0) != nil
        }
        return PikeVM.search(program, in: text, from: 0, groupLimit: 0) != nil
    }

    /// The leftmost-first match in `text`, with every group (memory grows with the number of
    /// groups times the program size; pass a `groupLimit` to the UTF-8 variant to bound it).
    func firstMatch(in text: String) -> RegexMatch? {
        var text = text
        return text.withUTF8 { firstMatch(utf8: $0, from: 0, groupLimit: captureCount + 1) }
    }

    /// The leftmost-first match in the UTF-8 `text` that starts at or after byte `start` (the
    /// text before `start` still counts for `^`, `\b` and the like), with groups 0 to
    /// `groupLimit - 1` (later groups read as not taking part).
    func firstMatch(utf8 text: UnsafeBufferPointer<UInt8>, from start: Int, groupLimit: Int) -> RegexMatch? {
        let groups = max(1, min(groupLimit, captureCount + 1))
        if program.isPureLiteral {
            let found = program.literalPrefix.isEmpty ? (start <= text.count ? start : nil)
                : PikeVM.find(program.literalPrefix, in: text, from: start)
            return found.map { RegexMatch(groups: [$0..<($0 + program.literalPrefix.count)]) }
        }
        guard let slots = PikeVM.search(program, in: text, from: start, groupLimit: groups) else { return nil }
        return RegexMatch(groups: (0..<groups).map { group in
            let lower = slots[2 * group]
            let upper = slots[2 * group + 1]
            return lower >= 0 && upper >= lower ? lower..<upper : nil
        })
    }
}

/// Where a match and its groups are, as UTF-8 byte offsets into the searched text.
struct RegexMatch: Sendable, Equatable {
    /// The byte range of each group (the whole match first), `nil` for groups that took no part.
    let groups: [Range<Int>?]

    /// The byte range of the whole match.
    var range: Range<Int> { groups.first.flatMap { $0 } ?? 0..<0 }
}
