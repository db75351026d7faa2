import SluiceCore

/// The optional `fields` list of a text cleaning step: the fields to clean, or every text
/// field when left out.
enum TextFieldsConfig {
    /// `fields` checked (non-empty, no duplicates), or `nil` for every field.
    static func checked(_ fields: [String]?) throws(SpecError) -> [String]? {
        guard let fields else { return nil }
        return try FieldNameList.checked(fields, path: "fields")
    }

    /// Lineage of a step that rewrites `fields` (all when `nil`) in place as `how`.
    static func lineage(_ inputFields: [String], fields: [String]?, how: String) -> [FieldDerivation] {
        let cleaned = fields.map { Set($0) }
        return inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: cleaned?.contains($0) ?? true ? how : "copy") }
    }
}
