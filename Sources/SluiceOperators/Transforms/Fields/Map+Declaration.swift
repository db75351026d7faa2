import SluiceCore

extension Map {
    public static let declaration = ComponentDeclaration(
        summary: """
            Renames and selects fields: `mapping` takes each output name to the input field it \
            copies. Output records hold exactly the mapped fields, in mapping order; a missing \
            input field gives a missing output field.
            """,
        config: ObjectShape([
            .required("mapping", .map("output field", .fieldName), "Output field → the input field it copies, in output order; at least one."),
        ]),
        examples: [
            ComponentExample(
                "rename and select",
                config: #"{"mapping": {"customer": "name", "total": "amount"}}"#,
                input: #"[{"name": "Ann", "amount": 10, "secret": "x"}, {"name": "Bob"}]"#,
                output: #"[{"customer": "Ann", "total": 10}, {"customer": "Bob"}]"#)
        ])
}
