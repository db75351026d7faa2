/// A condition a filter right after the source places on one field, which a reader may use to
/// skip whole parts of the file whose statistics rule it out (Parquet row groups by their
/// min/max). Readers never drop single rows on it: the filter itself still runs.
///
/// Values compare as the filter compares them: numbers by value across int and double, text
/// by UTF-8 bytes, timestamps by instant; a reader that cannot compare a value with a part's
/// statistics (different kinds) must read the part.
public struct FieldCondition: Sendable, Equatable {
    /// How the field is compared.
    public enum Comparison: String, Sendable {
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        /// The field is null (the value is ignored).
        case isNull
        /// The field is not null (the value is ignored).
        case isNotNull
    }

    public var field: String
    public var comparison: Comparison
    public var value: Value

    public init(field: String, comparison: Comparison, value: Value = .null) {
        self.field = field
        self.comparison = comparison
        self.value = value
    }
}
