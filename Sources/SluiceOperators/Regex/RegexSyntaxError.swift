/// Why a pattern cannot be compiled by ``LinearRegex``: a syntax mistake, a construct the
/// linear-time engine refuses (backreferences, lookaround), or a limit that keeps compiling and
/// matching bounded (length, nesting, repetition counts, program size).
struct RegexSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, for people; it names the position when there is one.
    let message: String
    /// The 1-based position (in Unicode scalars) in the pattern where the problem was found,
    /// or `nil` for problems of the pattern as a whole (its length, its compiled size).
    let position: Int?

    init(_ message: String, at position: Int? = nil) {
        self.message = message
        self.position = position
    }

    var description: String { message }
}
