/// A regular expression compiled once and shared by every batch: schema `pattern`
/// validators, the filter's `regex` operator and the expression language's regex functions.
///
/// It runs on ``LinearRegex`` (RE2 syntax and semantics, matching in time linear in the text),
/// so no pattern can stall a worker however hostile it is; patterns that need backtracking
/// (backreferences, lookaround) are refused when compiling.
struct CompiledPattern: Sendable {
    /// The expression as it was written.
    let source: String
    /// The compiled expression, for callers that need the matches themselves.
    let regex: LinearRegex

    /// Compiles `source`; throws a readable ``RegexSyntaxError`` when it is not a valid
    /// expression or uses a construct the linear-time engine does not support.
    init(_ source: String) throws(RegexSyntaxError) {
        self.source = source
        regex = try LinearRegex(source)
    }

    /// Whether `string` contains a match anywhere (DuckDB's `regexp_matches`).
    func matches(_ string: String) -> Bool {
        regex.matches(string)
    }
}
