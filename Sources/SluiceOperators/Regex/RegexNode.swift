/// A zero-width test at a position between two scalars.
enum RegexAssertion: UInt8, Sendable {
    /// `\A`, or `^` outside multi-line mode: the start of the text.
    case beginText
    /// `\z`, or `$` outside multi-line mode: the end of the text.
    case endText
    /// `^` in multi-line mode: the start of the text or just after a `\n`.
    case beginLine
    /// `$` in multi-line mode: the end of the text or just before a `\n`.
    case endLine
    /// `\b`: between an ASCII word character and something else.
    case wordBoundary
    /// `\B`: not at an ASCII word boundary.
    case notWordBoundary
}

/// One node of a parsed pattern. The parser stores nodes in a flat array and refers to
/// children by index, so nothing that walks the tree needs to recurse.
enum RegexNode: Sendable, Equatable {
    /// Matches the empty string (`()`, an empty alternative, `a{0}`).
    case empty
    /// One scalar, exactly.
    case scalar(UInt32)
    /// One scalar that is a member of the set (classes, `\d`, case-folded letters, `(?s).`).
    case scalarSet(ScalarSet)
    /// One scalar other than `\n` (`.` outside `(?s)`).
    case anyButNewline
    /// Any one scalar (`(?s).`).
    case anyScalar
    /// A zero-width test.
    case assertion(RegexAssertion)
    /// The child, recorded as capture group `index` (1-based).
    case capture(index: Int, child: Int)
    /// The children one after the other.
    case concatenation([Int])
    /// The first child that leads to a match, in order (leftmost-first).
    case alternation([Int])
    /// The child `min` to `max` times (`nil`: unbounded), as many as possible when greedy.
    case repetition(child: Int, min: Int, max: Int?, greedy: Bool)
}

/// A parsed pattern: its nodes (children before parents) and what the compiler needs besides.
struct RegexTree: Sendable {
    /// The nodes; `root` is the last one appended.
    var nodes: [RegexNode] = []
    /// The index of the node of the whole pattern.
    var root = 0
    /// The number of capture groups, not counting the whole match.
    var captureCount = 0
    /// The names of named groups, by group index.
    var groupNames: [Int: String] = [:]

    /// Appends `node` and returns its index.
    mutating func add(_ node: RegexNode) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }
}
