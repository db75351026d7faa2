import SluiceCore

/// Checks of the field-name lists that field and cleaning operations take in their configs.
enum FieldNameList {
    /// `names`, checked to be non-empty, free of empty names and of duplicates; errors point
    /// at `path` or `path[i]`.
    static func checked(_ names: [String], path: String) throws(SpecError) -> [String] {
        guard !names.isEmpty else {
            throw SpecError(path: path, "expected at least one field name, as [\"email\"]")
        }
        var seen = Set<String>()
        for (i, name) in names.enumerated() {
            guard !name.isEmpty else { throw SpecError(path: "\(path)[\(i)]", "field names must not be empty") }
            guard seen.insert(name).inserted else { throw SpecError(path: "\(path)[\(i)]", "duplicate field '\(name)'") }
        }
        return names
    }
}
