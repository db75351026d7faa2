/// `source.incremental`: load only what changed since the last successful run.
///
/// ```json
/// "incremental": {"cursorField": "updated_at", "initialValue": "2024-01-01T00:00:00Z", "keyFields": ["id"]}
/// ```
///
/// A run reads the rows whose `cursorField` is past the stored watermark, and the new
/// watermark (the largest cursor value read, with the keys of the rows holding it) is saved
/// only after the target committed. Rows that share the watermark's value are told apart by
/// `keyFields`, so a row added later with the same timestamp is still loaded and none is
/// loaded twice.
public struct IncrementalSpec: Codable, Sendable, Equatable {
    /// The field whose value grows with every change (`updated_at`, an id, a sequence).
    public var cursorField: String
    /// Where the first run starts: rows with a cursor at or past it are read (all rows when absent).
    public var initialValue: Value?
    /// The fields that identify a row (default: the whole record), used for rows that share
    /// the watermark's cursor value.
    public var keyFields: [String]?
    /// The name the watermark is stored under (default: the source's location and the cursor
    /// field). Give one when two jobs read the same table with different filters.
    public var stateKey: String?

    public init(cursorField: String, initialValue: Value? = nil, keyFields: [String]? = nil, stateKey: String? = nil) {
        self.cursorField = cursorField
        self.initialValue = initialValue
        self.keyFields = keyFields
        self.stateKey = stateKey
    }

    /// The problems with the settings, with paths relative to `incremental`.
    public func validate() -> [SpecError] {
        var errors: [SpecError] = []
        if cursorField.isEmpty { errors.append(SpecError(path: "cursorField", "must name the field that grows with every change")) }
        if let keyFields {
            if keyFields.isEmpty { errors.append(SpecError(path: "keyFields", "must name at least one field, or be left out")) }
            for (i, field) in keyFields.enumerated() where field.isEmpty {
                errors.append(SpecError(path: "keyFields[\(i)]", "must not be empty"))
            }
        }
        if let initialValue {
            switch initialValue {
            case .int, .double, .string, .timestamp: break
            default:
                errors.append(SpecError(path: "initialValue", "expected a number, string or timestamp, found \(initialValue.kindName)"))
            }
        }
        if let stateKey, stateKey.isEmpty { errors.append(SpecError(path: "stateKey", "must not be empty")) }
        return errors
    }
}
