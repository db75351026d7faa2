// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.

/// How one top-level field is read into its column: flat primitives straight into typed
/// storage (ints, doubles, bools, text), everything else through ``AvroValueDecoder`` into
/// `Value`s, and fields outside the projection skipped without building anything.
struct AvroColumnPlan: Sendable {
    /// How the value (the non-null branch, for a nullable field) is read.
    enum Reader: Sendable {
        case boolean
        /// An `int` or `long` without a logical type.
        case int
        case long
        /// A `float` or `double` without a logical type.
        case float
        case double
        /// A `string` without a logical type, checked to be UTF-8.
        case string
        /// An enum's symbols, as UTF-8 bytes.
        case symbols(name: String, symbols: [[UInt8]])
        /// `bytes` (size `nil`) or `fixed` without a logical type, as base64 text.
        case base64(fixedSize: Int?)
        /// Any other type, through ``AvroValueDecoder/value(_:_:depth:issue:)``.
        case value(node: Int)
    }

    /// A field whose type is the union of `null` and one other type.
    struct Nullable: Sendable {
        /// The union's branch count.
        var branchCount: Int
        /// The index of the `null` branch.
        var nullBranch: Int
    }

    /// The field's name.
    var name: String
    /// The field's type node.
    var node: Int
    /// The reader, `nil` when the field is not projected (it is skipped).
    var reader: Reader?
    /// Set when the field is `null` or one type, with `reader` reading that type.
    var nullable: Nullable?

    /// The plan for field `field`; `projected` says whether the field is wanted.
    init(_ field: AvroField, schema: AvroSchema, projected: Bool) {
        name = field.name
        node = field.type
        guard projected else { return }
        var valueNode = field.type
        if case .union(let branches) = schema[field.type].kind, branches.count == 2 {
            let isNull = branches.map { if case .null = schema[$0].kind { return true } else { return false } }
            if isNull[0] != isNull[1] {
                let nullBranch = isNull[0] ? 0 : 1
                nullable = Nullable(branchCount: 2, nullBranch: nullBranch)
                valueNode = branches[1 - nullBranch]
            }
        }
        reader = Self.reader(for: valueNode, schema: schema)
    }

    private static func reader(for node: Int, schema: AvroSchema) -> Reader {
        let type = schema[node]
        guard type.logical == nil else { return .value(node: node) }
        switch type.kind {
        case .boolean: return .boolean
        case .int: return .int
        case .long: return .long
        case .float: return .float
        case .double: return .double
        case .string: return .string
        case .bytes: return .base64(fixedSize: nil)
        case .fixed(_, let size): return .base64(fixedSize: size)
        case .enumeration(let name, let symbols): return .symbols(name: name, symbols: symbols.map { Array($0.utf8) })
        case .null, .record, .array, .map, .union: return .value(node: node)
        }
    }
}
