import SluiceCore

/// A regular expression of the expression language: a ``CompiledPattern`` (RE2 syntax and
/// semantics on Unicode scalars, as DuckDB's) plus DuckDB-style replacement.
struct ExpressionRegex: Sendable {
    /// One piece of a replacement template.
    private enum TemplatePiece {
        case text([UInt8])
        case group(Int)
    }

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
    ///
    /// Global replacement follows RE2's `GlobalReplace`, as DuckDB does: after a match the
    /// search goes on from its end, and an empty match right where the previous match ended is
    /// skipped (the next character is copied instead), so `a*` on `baaac` gives `-b-c-`.
    func replacing(in text: String, with template: String, global: Bool) -> String {
        let regex = pattern.regex
        let pieces = Self.pieces(of: template)
        var text = text
        return text.withUTF8 { bytes -> String in
            var out: [UInt8] = []
            var position = 0
            var lastEnd = -1
            var replaced = false
            while position <= bytes.count {
                guard let match = regex.firstMatch(utf8: bytes, from: position, groupLimit: 10) else { break }
                let range = match.range
                out.append(contentsOf: bytes[position..<range.lowerBound])
                if range.isEmpty, range.lowerBound == lastEnd {
                    // An empty match where the last one ended: copy one scalar and go on after it.
                    let length = position < bytes.count ? PikeVM.scalar(at: position, in: bytes).1 : 1
                    out.append(contentsOf: bytes[position..<min(position + length, bytes.count)])
                    position += length
                    continue
                }
                for piece in pieces {
                    switch piece {
                    case .text(let literal):
                        out.append(contentsOf: literal)
                    case .group(let group):
                        if group < match.groups.count, let span = match.groups[group] { out.append(contentsOf: bytes[span]) }
                    }
                }
                replaced = true
                position = range.upperBound
                lastEnd = position
                if !global { break }
            }
            guard replaced else { return String(decoding: bytes, as: UTF8.self) }
            if position < bytes.count { out.append(contentsOf: bytes[position...]) }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The template as literal text and group references: `\0`–`\9` a group, `\\` a
    /// backslash, a backslash before anything else that character, a trailing one itself.
    private static func pieces(of template: String) -> [TemplatePiece] {
        var pieces: [TemplatePiece] = []
        var literal: [UInt8] = []
        var escaped = false
        for byte in template.utf8 {
            if escaped {
                escaped = false
                if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                    if !literal.isEmpty { pieces.append(.text(literal)) }
                    literal = []
                    pieces.append(.group(Int(byte - UInt8(ascii: "0"))))
                } else {
                    literal.append(byte)
                }
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else {
                literal.append(byte)
            }
        }
        if escaped { literal.append(UInt8(ascii: "\\")) }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return pieces
    }
}
