import SluiceCore

/// A regular expression of the expression language: a ``CompiledPattern`` (Unicode-scalar
/// semantics, close to DuckDB's RE2 code-point matching) plus DuckDB-style replacement.
struct ExpressionRegex: Sendable {
    private let pattern: CompiledPattern

    /// Compiles `pattern`; throws a readable reason when it is not a valid expression.
    init(_ pattern: String) throws(RowFailure) {
        do {
            self.pattern = try CompiledPattern(pattern)
        } catch {
            throw RowFailure("invalid regular expression '\(pattern)': \(error)")
        }
    }

    /// Whether `text` contains a match anywhere (DuckDB's `regexp_matches`).
    func matches(_ text: String) -> Bool { pattern.matches(text) }

    /// `text` with the first match (or every match when `global`) replaced by `template`, in
    /// which `\0`–`\9` stand for the match and its groups and `\\` for a backslash.
    func replacing(in text: String, with template: String, global: Bool) -> String {
        let regex = pattern.regex
        let found: [Regex<AnyRegexOutput>.Match]
        if global {
            found = text.matches(of: regex)
        } else if let first = (try? regex.firstMatch(in: text)) ?? nil {
            found = [first]
        } else {
            found = []
        }
        guard !found.isEmpty else { return text }
        var out = ""
        var last = text.startIndex
        for match in found {
            out += text[last..<match.range.lowerBound]
            out += expand(template, match)
            last = match.range.upperBound
        }
        out += text[last...]
        return out
    }

    private func expand(_ template: String, _ match: Regex<AnyRegexOutput>.Match) -> String {
        var out = ""
        var escaped = false
        for c in template {
            if escaped {
                escaped = false
                if let digit = c.wholeNumberValue, c.isASCII {
                    if digit < match.output.count, let group = match.output[digit].substring { out += group }
                } else {
                    out.append(c)
                }
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        if escaped { out.append("\\") }
        return out
    }
}
