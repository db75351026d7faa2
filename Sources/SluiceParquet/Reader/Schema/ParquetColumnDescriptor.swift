import SluiceCore

/// One leaf column of the schema: where it sits, its levels, and how its values read.
struct ParquetColumnDescriptor: Sendable {
    /// The names from the top-level field down to the leaf.
    let path: [String]
    let physical: ParquetPhysicalType
    /// The length of a FIXED_LEN_BYTE_ARRAY (0 for other types).
    let typeLength: Int
    /// The definition level of a present value.
    let maxDefinitionLevel: Int
    /// The repetition level of the innermost repeated ancestor (0 when nothing repeats).
    let maxRepetitionLevel: Int
    let conversion: ParquetValueConversion
    /// The type the leaf declares.
    let logicalType: LogicalType

    /// The path joined with dots, for messages.
    var dottedPath: String { path.joined(separator: ".") }
}
