import SluiceCore

/// The `custom` operation: computed fields from expressions, exactly as ``Add`` takes them:
/// `{"operation": "custom", "config": {"fields": {"computed_field": "a + b"}}}`.
public struct Custom: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "custom"
    /// The same config as `add`.
    public typealias Config = Add.Config

    let add: Add

    /// Builds the step; throws ``SpecError`` as `add` does.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        add = try Add(config: config, context: context)
    }

    public func process(_ batch: RecordBatch) throws -> BatchResult { try add.process(batch) }

    public func lineage(inputFields: [String]) -> [FieldDerivation] { add.lineage(inputFields: inputFields) }

    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { add.inputDemand(forOutput: output) }
}

extension Custom {
    public static let declaration = ComponentDeclaration(
        summary: """
            Computed fields from expressions, exactly as \
            `add` (see the expression functions below), under the name `custom`.
            """,
        config: Add.declaration.config,
        examples: [
            ComponentExample(
                "a computed field",
                config: #"{"fields": {"computed_field": "a + b"}}"#,
                input: #"[{"a": 1, "b": 2}, {"a": 1.5, "b": null}]"#,
                output: #"[{"a": 1, "b": 2, "computed_field": 3}, {"a": 1.5, "b": null, "computed_field": null}]"#)
        ])
}
