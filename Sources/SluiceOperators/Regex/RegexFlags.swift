/// The matching modes a pattern can switch with `(?imsU)` and `(?imsU:...)`. The parser bakes
/// them into the nodes it makes (a folded set for a letter, `anyScalar` for `.`), so the tree
/// and the program carry no flags.
struct RegexFlags: Sendable, Equatable {
    /// `i`: letters match their simple case-folding equivalents.
    var caseInsensitive = false
    /// `s`: `.` also matches `\n`.
    var dotMatchesNewline = false
    /// `m`: `^` and `$` also match next to a `\n`.
    var multiLine = false
    /// `U`: quantifiers are lazy unless followed by `?`, which makes them greedy.
    var ungreedy = false

    /// Sets (`on`) or clears the flag named by `letter`; `false` when the letter names no flag.
    mutating func set(_ letter: Unicode.Scalar, _ on: Bool) -> Bool {
        switch letter {
        case "i": caseInsensitive = on
        case "s": dotMatchesNewline = on
        case "m": multiLine = on
        case "U": ungreedy = on
        default: return false
        }
        return true
    }
}
