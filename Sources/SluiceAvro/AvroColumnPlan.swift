// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.

/// How one top-level field is read into its column: flat primitives straight into typed
/// storage (ints, doubles, bools, text), everything else through ``AvroValueDecoder`` into
/// `Value`s, and fields outside the projection skipped without building anything.
///
/// Only integers, so the per-field loop copies plans without reference counting; names and
/// enum symbols live beside the plans in the assembler.
struct AvroColumnPlan: Sendable {
    /// How the value (the non-null branch, for a nullable field) is read.
    enum Reader: UInt8, Sendable {
        /// Not projected: skipped.
        case skip
        case boolean
        /// An `int` or `long` without a logical type.
        case int
        case long
        /// A `float` or `double` without a logical type.
        case float
        case double
        /// A `string` without a logical type, checked to be UTF-8.
        case string
        /// An enum's symbol, as text.
        case symbols
        /// `bytes` or `fixed` (of `fixedSize`) without a logical type, as base64 text.
        case bytes
        case fixed
        /// Any other type, through ``AvroValueDecoder/value(_:_:depth:issue:)``.
        case value
    }

    var reader: Reader
    /// The field's type node (what `skip` reads past).
    var node: Int
    /// The node `reader` reads: the field's type, or its non-null branch.
    var valueNode: Int
    /// The size of a `fixed` value node.
    var fixedSize = 0
    /// For a field whose type is the union of `null` and one other type: the union's branch
    /// count and the index of its `null` branch; `nullBranch` is -1 otherwise.
    var branchCount = 0
    var nullBranch = -1

    /// The plan for `field`; `projected` says whether the field is wanted.
    init(_ field: AvroField, schema: AvroSchema, projected: Bool) {
        node = field.type
        valueNode = field.type
        guard projected else {
            reader = .skip
            return
        }
        if case .union(let branches) = schema[field.type].kind, branches.count == 2 {
            let isNull = branches.map { if case .null = schema[$0].kind { return true } else { return false } }
            if isNull[0] != isNull[1] {
                nullBranch = isNull[0] ? 0 : 1
                branchCount = 2
                valueNode = branches[1 - nullBranch]
            }
        }
        let type = schema[valueNode]
        guard type.logical == nil else {
            reader = .value
            return
        }
        switch type.kind {
        case .boolean: reader = .boolean
        case .int: reader = .int
        case .long: reader = .long
        case .float: reader = .float
        case .double: reader = .double
        case .string: reader = .string
        case .bytes: reader = .bytes
        case .fixed(_, let size):
            reader = .fixed
            fixedSize = size
        case .enumeration: reader = .symbols
        case .null, .record, .array, .map, .union: reader = .value
        }
    }
}
