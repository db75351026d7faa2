import SluiceCore

/// Hides most of a text value behind a mask character, for personal data that downstream
/// systems must not see in full: `{"fields": ["card"], "keepLast": 4}` turns
/// `4111111111111111` into `************1111`.
///
/// Characters are counted as Unicode scalars. A value no longer than `keepFirst + keepLast`
/// is masked whole, so a short value never shows more than it hides. Numbers, booleans,
/// nested values and nulls are left alone (cast them to text first to mask them).
public struct Mask: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "mask"

    /// The `config` object of a mask step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields to mask.
        public var fields: [String]
        /// Characters left visible at the start.
        public var keepFirst: Int?
        /// Characters left visible at the end.
        public var keepLast: Int?
        /// The mask character.
        public var with: String?
    }

    public static let declaration = ComponentDeclaration(
        summary: """
            Replaces the characters of text `fields` with a mask character, leaving `keepFirst` \
            characters at the start and `keepLast` at the end visible. Characters are Unicode \
            scalars; a value no longer than `keepFirst + keepLast` is masked whole, so a short \
            value never shows more than it hides. Non-text values and nulls are left alone.
            """,
        config: ObjectShape([
            .required("fields", .someFieldNames, "The text fields to mask."),
            .optional("keepFirst", .integer(0, 1000), default: .int(0), "Characters left visible at the start."),
            .optional("keepLast", .integer(0, 1000), default: .int(0), "Characters left visible at the end."),
            .optional("with", .character, default: .string("*"), "The mask character."),
        ]),
        examples: [
            ComponentExample(
                "card numbers and e-mail addresses",
                config: #"{"fields": ["card", "email"], "keepLast": 4, "keepFirst": 1, "with": "•"}"#,
                input: #"[{"card": "4111111111111111", "email": "ana@example.com"}, {"card": "123", "email": null}, {"card": 4242, "email": "bo@x.io"}]"#,
                output: #"[{"card": "4•••••••••••1111", "email": "a••••••••••.com"}, {"card": "•••", "email": null}, {"card": 4242, "email": "b••x.io"}]"#),
        ])

    let fields: [String]
    let keepFirst: Int
    let keepLast: Int
    let mask: [UInt8]

    /// Builds the step; throws ``SpecError`` at `fields` when the list repeats a name.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        fields = try FieldNameList.checked(config.fields, path: "fields")
        keepFirst = config.keepFirst ?? 0
        keepLast = config.keepLast ?? 0
        mask = Array((config.with ?? "*").utf8)
    }

    /// The batch with its text fields masked.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        let (keepFirst, keepLast, mask) = (self.keepFirst, self.keepLast, self.mask)
        return BatchResult(batch: TextCells.rewrite(batch, fields: fields) { input, output in
            // Scalar starts are the bytes that are not UTF-8 continuation bytes (10xxxxxx).
            let scalars = input.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            let shownFirst = scalars > keepFirst + keepLast ? keepFirst : 0
            let shownLast = scalars > keepFirst + keepLast ? keepLast : 0
            var scalar = -1
            for byte in input {
                if byte & 0xC0 != 0x80 { scalar += 1 }
                if scalar < shownFirst || scalar >= scalars - shownLast {
                    output.append(byte)
                } else if byte & 0xC0 != 0x80 {
                    output.append(contentsOf: mask)
                }
            }
        })
    }

    /// Masked fields derive from themselves by `mask`.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        TextFieldsConfig.lineage(inputFields, fields: fields, how: "mask")
    }

    /// What follows needs: each field is rewritten in place.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output }
}
