import SluiceCore

/// Renders a declared config as the reference page's table: one row per key, nested
/// objects' keys as dotted paths (`tls.mode`), keys of array elements as `columns[].name`.
enum ShapeTable {
    /// The Markdown table of `shape`, or a sentence when it has no keys.
    static func markdown(_ shape: ObjectShape) -> String {
        var rows: [String] = []
        collect(shape, prefix: "", into: &rows)
        guard !rows.isEmpty else { return "No settings.\n" }
        return "| key | value | default | meaning |\n|---|---|---|---|\n" + rows.joined(separator: "\n") + "\n"
    }

    private static func collect(_ shape: ObjectShape, prefix: String, into rows: inout [String]) {
        for field in shape.fields {
            let key = prefix + field.name
            let value = field.isRequired ? "**required**; \(field.shape.phrase)" : field.shape.phrase
            let defaultText = field.defaultValue.map { "`\(JSONText.string($0))`" } ?? ""
            rows.append("| `\(key)` | \(escape(value)) | \(escape(defaultText)) | \(escape(field.summary)) |")
            switch field.shape {
            case .object(let nested): collect(nested, prefix: key + ".", into: &rows)
            case .array(.object(let nested), _): collect(nested, prefix: key + "[].", into: &rows)
            default: break
            }
        }
        for rule in shape.rules {
            rows.append("| | | | \(escape(sentence(rule, prefix: prefix))) |")
        }
    }

    private static func sentence(_ rule: ObjectRule, prefix: String) -> String {
        func names(_ keys: [String]) -> String { keys.map { "`\(prefix)\($0)`" }.joined(separator: ", ") }
        switch rule {
        case .exactlyOne(let keys): return "Exactly one of \(names(keys))."
        case .atMostOne(let keys): return "At most one of \(names(keys))."
        case .atLeastOne(let keys): return "At least one of \(names(keys))."
        case .requires(let key, let needed): return "\(names([key])) needs \(names(needed))."
        }
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
