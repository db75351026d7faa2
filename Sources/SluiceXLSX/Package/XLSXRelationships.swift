import SluiceFormats

/// The relationships of one package part (`xl/_rels/workbook.xml.rels` for `xl/workbook.xml`).
struct XLSXRelationships {
    struct Relationship {
        var id: String
        /// The relationship type URI (its last path segment says what it is: `worksheet`).
        var type: String
        /// The target part's name, resolved against the source part (`xl/worksheets/sheet1.xml`).
        var target: String
        var external: Bool

        /// The last segment of the type URI (`worksheet`, `sharedStrings`, `officeDocument`).
        var kind: Substring { type.split(separator: "/").last ?? "" }
    }

    let relationships: [Relationship]

    /// The relationships of `sourcePart` (empty when it has no relationships part).
    init(package: XLSXPackage, sourcePart: String) throws {
        let relsPart = Self.relationshipsPart(of: sourcePart)
        guard let bytes = try package.read(relsPart) else {
            relationships = []
            return
        }
        var tokenizer = XMLPullTokenizer(source: XMLMemorySource(bytes), context: package.context(relsPart))
        var found: [Relationship] = []
        let base = Self.directory(of: sourcePart)
        while true {
            let event = try tokenizer.next()
            if event == .endOfDocument { break }
            guard event == .start, tokenizer.nameIs("Relationship") else { continue }
            guard let id = tokenizer.attribute("Id"), let target = tokenizer.attribute("Target") else {
                throw tokenizer.error("a Relationship without Id or Target")
            }
            let type = try tokenizer.attribute("Type").map { try tokenizer.string($0) } ?? ""
            let external = try tokenizer.attribute("TargetMode").map { try tokenizer.string($0) } == "External"
            let rawTarget = try tokenizer.string(target)
            found.append(
                Relationship(
                    id: try tokenizer.string(id), type: type, target: external ? rawTarget : Self.resolve(rawTarget, against: base),
                    external: external))
        }
        relationships = found
    }

    /// The first internal relationship of `kind`.
    func first(kind: String) -> Relationship? { relationships.first { !$0.external && $0.kind == kind } }

    /// The relationship with `id`.
    func relationship(id: String) -> Relationship? { relationships.first { $0.id == id } }

    /// `xl/_rels/workbook.xml.rels` for `xl/workbook.xml`; `_rels/.rels` for the package.
    static func relationshipsPart(of part: String) -> String {
        let dir = directory(of: part)
        let file = part.split(separator: "/").last.map(String.init) ?? ""
        return "\(dir)_rels/\(file).rels"
    }

    /// `xl/` for `xl/workbook.xml`; empty for a part at the root.
    static func directory(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[...slash])
    }

    /// Resolves a relationship target (relative, or absolute from the package root) to a part
    /// name without a leading `/`, folding `.` and `..` segments.
    static func resolve(_ target: String, against base: String) -> String {
        let path = target.hasPrefix("/") ? target : base + target
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(segment)
        }
        return segments.joined(separator: "/")
    }
}
