// Shared by ThriftCompactReader and ThriftCompactWriter (see their headers).

/// A value's type as the Thrift compact protocol tags it (the low nibble of a field header,
/// or of a list header).
enum ThriftFieldType: UInt8 {
    case boolTrue = 1
    case boolFalse = 2
    case byte = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case structure = 12

    /// The type's name in messages.
    var name: String {
        switch self {
        case .boolTrue, .boolFalse: return "bool"
        case .byte: return "byte"
        case .i16: return "i16"
        case .i32: return "i32"
        case .i64: return "i64"
        case .double: return "double"
        case .binary: return "binary"
        case .list: return "list"
        case .set: return "set"
        case .map: return "map"
        case .structure: return "struct"
        }
    }
}
