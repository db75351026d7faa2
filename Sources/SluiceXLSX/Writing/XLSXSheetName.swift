/// Sheet names as Excel allows them: 1 to 31 characters, none of `[ ] : * ? / \` (nor control
/// characters, which XML cannot carry in an attribute), not
/// starting or ending with an apostrophe, not `History` (reserved), unique ignoring case.
struct XLSXSheetName {
    private var taken: Set<String> = []

    /// A valid name for `raw`: forbidden characters become `_`, apostrophes at the ends are
    /// dropped, it is cut to 31 characters, an empty name becomes `Sheet`, and a name already
    /// used (ignoring case) gets ` (2)`, ` (3)`… (cut to fit).
    mutating func make(_ raw: String) -> String {
        var base = Self.sanitize(raw)
        if base.lowercased() == "history" { base = "History_" }
        var name = base
        var n = 2
        while taken.contains(name.lowercased()) {
            let suffix = " (\(n))"
            name = Self.cut(base, to: XLSXLimits.maximumSheetNameCharacters - suffix.utf16.count) + suffix
            n += 1
        }
        taken.insert(name.lowercased())
        return name
    }

    static func sanitize(_ raw: String) -> String {
        var text = String(raw.map { c -> Character in
            let control = c.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0xFFFE || $0.value == 0xFFFF }
            return "[]:*?/\\".contains(c) || control ? "_" : c
        })
        while text.hasPrefix("'") { text.removeFirst() }
        while text.hasSuffix("'") { text.removeLast() }
        text = cut(text, to: XLSXLimits.maximumSheetNameCharacters)
        while text.hasSuffix("'") { text.removeLast() }
        return text.isEmpty ? "Sheet" : text
    }

    /// The longest prefix of `text` of whole characters within `limit` UTF-16 code units.
    static func cut(_ text: String, to limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        var out = ""
        var used = 0
        for character in text {
            let width = character.utf16.count
            if used + width > limit { break }
            out.append(character)
            used += width
        }
        return out
    }
}
