import SluiceCore

/// Normalizes text: `{"fields": ["name"], "case": "lower", "whitespace": true, "unicode": "NFC"}`
/// (every text field when `fields` is left out; at least one of the other settings).
///
/// Steps run in this order:
/// 1. `whitespace: true` trims the ends and collapses every inner run of Unicode whitespace
///    (tabs and line breaks included) into one space.
/// 2. `case`: `lower` and `upper` use Unicode's full case mappings, as Swift does (`ß`
///    uppercases to `SS`, where DuckDB's `upper` gives `ẞ`); `title` makes the first letter
///    of each word titlecase and the rest lowercase, where a word is a run of letters, digits,
///    marks and apostrophes (`o'neil-smith` → `O'neil-Smith`).
/// 3. `unicode`: `NFC`, `NFD`, `NFKC` or `NFKD` normalization, last, so the result is in that
///    form even after case mapping.
///
/// ASCII text takes a byte-level path; other text goes through `String`.
public struct NormalizeText: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "normalize"

    /// A case mapping.
    public enum Case: String, Sendable, CaseIterable {
        case lower, upper, title
    }

    /// The `config` object of a normalize step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields to normalize; every text field when `nil`.
        public var fields: [String]?
        /// `lower`, `upper` or `title`.
        public var `case`: String?
        /// Whether to trim and collapse whitespace.
        public var whitespace: Bool
        /// `NFC`, `NFD`, `NFKC` or `NFKD`.
        public var unicode: String?

        /// A config with these settings.
        public init(fields: [String]? = nil, case: String? = nil, whitespace: Bool = false, unicode: String? = nil) {
            self.fields = fields
            self.case = `case`
            self.whitespace = whitespace
            self.unicode = unicode
        }

        enum CodingKeys: String, CodingKey { case fields, `case`, whitespace, unicode }

        /// Decodes a config; every setting is optional.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fields = try c.decodeIfPresent([String].self, forKey: .fields)
            self.case = try c.decodeIfPresent(String.self, forKey: .case)
            whitespace = try c.decodeIfPresent(Bool.self, forKey: .whitespace) ?? false
            unicode = try c.decodeIfPresent(String.self, forKey: .unicode)
        }
    }

    /// The fields normalized; every text field when `nil`.
    public let fields: [String]?
    let rules: TextNormalization

    /// Builds the step; throws ``SpecError`` at `fields`, `case` or `unicode`, or for the whole
    /// config when it asks for nothing.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        fields = try TextFieldsConfig.checked(config.fields)
        var letterCase: Case?
        if let name = config.case {
            guard let parsed = Case(rawValue: name) else {
                throw SpecError(path: "case", "expected one of \(Case.allCases.map(\.rawValue).joined(separator: ", ")), found '\(name)'")
            }
            letterCase = parsed
        }
        var form: UnicodeForm?
        if let name = config.unicode {
            guard let parsed = UnicodeForm(rawValue: name) else {
                throw SpecError(
                    path: "unicode", "expected one of \(UnicodeForm.allCases.map(\.rawValue).joined(separator: ", ")), found '\(name)'")
            }
            form = parsed
        }
        guard letterCase != nil || config.whitespace || form != nil else {
            throw SpecError("nothing to normalize: set case, whitespace or unicode")
        }
        rules = TextNormalization(letterCase: letterCase, whitespace: config.whitespace, form: form)
    }

    /// The batch with its text normalized.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        BatchResult(batch: TextCells.rewrite(batch, fields: fields, rules.apply))
    }

    /// Normalized fields derive from themselves by `normalize`.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        TextFieldsConfig.lineage(inputFields, fields: fields, how: "normalize")
    }

    /// What follows needs: each field is rewritten in place.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output }
}
