// Written from scratch for Sluice: no Swift package encodes the Thrift compact protocol
// without pulling in the whole Thrift runtime. Follows the protocol description in the
// Apache Thrift repository (doc/specs/thrift-compact-protocol.md).

/// Appends values in the Thrift compact protocol: the encoding of Parquet's footer and page
/// headers.
///
/// Structs are written field by field with ``fieldBegin(_:_:)`` (which writes the field id as
/// a delta from the previous field's id when it can) and closed with ``structEnd()``; nested
/// structs open with ``structBegin()`` so each level keeps its own last field id.
struct ThriftCompactWriter {
    typealias FieldType = ThriftFieldType

    /// The bytes written so far.
    var bytes: [UInt8] = []
    /// The id of the last field written at the current struct level.
    private var lastFieldId: Int16 = 0
    /// The last field ids of the enclosing structs.
    private var stack: [Int16] = []

    init() {}

    /// Writes the header of field `id` of type `type`.
    mutating func fieldBegin(_ id: Int16, _ type: FieldType) {
        let delta = Int(id) - Int(lastFieldId)
        if delta > 0, delta <= 15 {
            bytes.append(UInt8(truncatingIfNeeded: delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(zigzag(Int64(id)))
        }
        lastFieldId = id
    }

    /// Opens a nested struct (after its field header or as a list element).
    mutating func structBegin() {
        stack.append(lastFieldId)
        lastFieldId = 0
    }

    /// Writes the stop byte that closes the current struct and returns to the enclosing one.
    mutating func structEnd() {
        bytes.append(0)
        lastFieldId = stack.popLast() ?? 0
    }

    /// Writes field `id` as a boolean (the value travels in the type code).
    mutating func boolField(_ id: Int16, _ value: Bool) {
        fieldBegin(id, value ? .boolTrue : .boolFalse)
    }

    /// Writes field `id` as an i16.
    mutating func i16Field(_ id: Int16, _ value: Int16) {
        fieldBegin(id, .i16)
        writeVarint(zigzag(Int64(value)))
    }

    /// Writes field `id` as an i32.
    mutating func i32Field(_ id: Int16, _ value: Int32) {
        fieldBegin(id, .i32)
        writeVarint(zigzag(Int64(value)))
    }

    /// Writes field `id` as an i64.
    mutating func i64Field(_ id: Int16, _ value: Int64) {
        fieldBegin(id, .i64)
        writeVarint(zigzag(value))
    }

    /// Writes field `id` as binary.
    mutating func binaryField(_ id: Int16, _ value: [UInt8]) {
        fieldBegin(id, .binary)
        writeBinary(value)
    }

    /// Writes field `id` as a string (UTF-8 binary).
    mutating func stringField(_ id: Int16, _ value: String) {
        fieldBegin(id, .binary)
        writeBinary(Array(value.utf8))
    }

    /// Writes field `id` as a struct holding no fields (the members of Parquet's unions).
    mutating func emptyStructField(_ id: Int16) {
        fieldBegin(id, .structure)
        bytes.append(0)
    }

    /// Writes the header of a list of `count` elements of `elementType`.
    mutating func listBegin(_ elementType: FieldType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(truncatingIfNeeded: count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(truncatingIfNeeded: count))
        }
    }

    /// Writes an i32 list element (or any bare i32).
    mutating func writeI32(_ value: Int32) {
        writeVarint(zigzag(Int64(value)))
    }

    /// Writes a length-prefixed binary value (or string list element).
    mutating func writeBinary(_ value: [UInt8]) {
        writeVarint(UInt64(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a string list element.
    mutating func writeString(_ value: String) {
        writeBinary(Array(value.utf8))
    }

    /// ULEB128.
    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Zigzag: small magnitudes of either sign become small unsigned values.
    private func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
