import SluiceCore

/// What `GET /components`, `sluice components`, `GET /schemas/job.json` and `sluice schema`
/// answer: the registry's components with their declared config keys, and the job spec's
/// JSON Schema.
public enum ComponentCatalog {
    /// The JSON Schema (draft 2020-12) of a `job`, `schedule` or `pipeline` spec with
    /// `registry`'s components.
    public static func schema(of root: String, registry: ComponentRegistry = .builtIn) -> Value {
        JSONSchemaWriter(catalog: registry.grammar.catalog).document(root: root, title: "Sluice \(root) spec")
    }

    /// `{sources: [...], transforms: [...], targets: [...]}`, each entry
    /// `{name, summary, config: [{key, type, required, default, description}]}`.
    public static func listing(registry: ComponentRegistry = .builtIn) -> Value {
        var o = ValueObject()
        for (kind, key) in [(ComponentKind.source, "sources"), (.transform, "transforms"), (.target, "targets")] {
            o[key] = .array(registry.names(kind).map { name in entry(name, registry.declaration(kind, name)) })
        }
        return .object(o)
    }

    private static func entry(_ name: String, _ declaration: ComponentDeclaration?) -> Value {
        var o = ValueObject()
        o["name"] = .string(name)
        o["summary"] = .string(firstSentence(declaration?.summary ?? ""))
        var fields: [Value] = []
        if let config = declaration?.config { collect(config, prefix: "", into: &fields) }
        o["config"] = .array(fields)
        return .object(o)
    }

    private static func collect(_ shape: ObjectShape, prefix: String, into fields: inout [Value]) {
        for field in shape.fields {
            let key = prefix + field.name
            var o = ValueObject()
            o["key"] = .string(key)
            o["type"] = .string(field.shape.phrase)
            o["required"] = .bool(field.isRequired)
            if let value = field.defaultValue { o["default"] = value }
            o["description"] = .string(field.summary)
            fields.append(.object(o))
            switch field.shape {
            case .object(let nested): collect(nested, prefix: key + ".", into: &fields)
            case .array(.object(let nested), _): collect(nested, prefix: key + "[].", into: &fields)
            default: break
            }
        }
    }

    /// The listing as text: one block per component, its keys indented beneath.
    public static func text(registry: ComponentRegistry = .builtIn) -> String {
        var lines: [String] = []
        for (kind, title) in [(ComponentKind.source, "Sources"), (.transform, "Transforms"), (.target, "Targets")] {
            lines.append("\(title):")
            for name in registry.names(kind) {
                let declaration = registry.declaration(kind, name)
                lines.append("  \(name) — \(firstSentence(declaration?.summary ?? ""))")
                var fields: [Value] = []
                if let config = declaration?.config { collect(config, prefix: "", into: &fields) }
                for case .object(let field) in fields {
                    let key = field["key"]?.stringValue ?? ""
                    let type = field["type"]?.stringValue ?? ""
                    let required = field["required"] == .bool(true) ? " (required)" : ""
                    lines.append("      \(key): \(type)\(required)")
                }
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// The text up to the first full stop followed by a space (a summary's first sentence).
    static func firstSentence(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        guard let end = flat.range(of: ". ") else { return flat }
        return String(flat[..<end.lowerBound]) + "."
    }
}
