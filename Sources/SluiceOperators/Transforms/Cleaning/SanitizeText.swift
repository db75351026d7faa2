import SluiceCore

/// Strips markup and control characters from text:
/// `{"fields": ["bio"], "html": true, "control": true}` (every text field when `fields` is
/// left out; `html` and `control` are both on unless set to false).
///
/// - `html` removes tags (`<b>`, `</p>`, `<br/>`, `<!-- comments -->`, `<!DOCTYPE …>`),
///   keeping the text between them, then decodes `&amp; &lt; &gt; &quot; &#39; &apos;` and
///   numeric references (`&#233;`, `&#xE9;`). A `<` that does not open a tag (`a < b`) and
///   unknown entities stay as written; decoded text is not scanned again, so `&lt;b&gt;`
///   becomes the literal text `<b>`. The contents of `<script>` and `<style>` are text like
///   any other: this is cleaning, not an HTML sanitizer for display.
/// - `control` removes control characters (U+0000–U+001F, U+007F–U+009F) except tab and
///   line feed; a carriage return is removed too.
public struct SanitizeText: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "sanitize"

    /// The `config` object of a sanitize step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields to clean; every text field when `nil`.
        public var fields: [String]?
        /// Whether to strip tags and decode entities.
        public var html: Bool
        /// Whether to strip control characters.
        public var control: Bool

        /// A config with these settings.
        public init(fields: [String]? = nil, html: Bool = true, control: Bool = true) {
            self.fields = fields
            self.html = html
            self.control = control
        }

        enum CodingKeys: String, CodingKey { case fields, html, control }

        /// Decodes a config; `html` and `control` default to true.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fields = try c.decodeIfPresent([String].self, forKey: .fields)
            html = try c.decodeIfPresent(Bool.self, forKey: .html) ?? true
            control = try c.decodeIfPresent(Bool.self, forKey: .control) ?? true
        }
    }

    /// The fields cleaned; every text field when `nil`.
    public let fields: [String]?
    let rules: TextSanitizing

    /// Builds the step; throws ``SpecError`` at `fields`, or for the whole config when both
    /// `html` and `control` are off.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        fields = try TextFieldsConfig.checked(config.fields)
        guard config.html || config.control else {
            throw SpecError("nothing to sanitize: html and control are both false")
        }
        rules = TextSanitizing(html: config.html, control: config.control)
    }

    /// The batch with its text cleaned.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        BatchResult(batch: TextCells.rewrite(batch, fields: fields, rules.apply))
    }

    /// Cleaned fields derive from themselves by `sanitize`.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        TextFieldsConfig.lineage(inputFields, fields: fields, how: "sanitize")
    }

    /// What follows needs: each field is rewritten in place.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output }
}
