/// A regular expression compiled once and shared by every batch: schema `pattern`
/// validators, the filter's `regex` operator and the expression language's regex functions.
///
/// `@unchecked Sendable` because `Regex<AnyRegexOutput>` is not declared `Sendable` (its
/// output type can hold arbitrary captures), yet the regex itself is an immutable value whose
/// lazily lowered program is published with an atomic compare-and-swap in the standard
/// library, so concurrent matching is safe. Callers keep matches (and their captures) inside
/// the call that produced them, never handing them across threads.
struct CompiledPattern: @unchecked Sendable {
    /// The expression as it was written.
    let source: String
    /// The compiled expression, for callers that need the matches themselves.
    let regex: Regex<AnyRegexOutput>

    /// Compiles `source`; throws the parser's error when it is not a valid expression.
    init(_ source: String) throws {
        self.source = source
        // Unicode-scalar semantics are closer to JavaScript's `RegExp` than grapheme clusters.
        let regex = try Regex(source).matchingSemantics(.unicodeScalar)
        // Matching once lowers the program now, so unsupported constructs fail here, not mid-run.
        _ = try regex.firstMatch(in: "")
        self.regex = regex
    }

    /// Whether `string` contains a match anywhere (JavaScript's `RegExp.test`).
    func matches(_ string: String) -> Bool {
        ((try? regex.firstMatch(in: string)) ?? nil) != nil
    }
}
