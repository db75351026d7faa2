// Written from scratch for Sluice (no Swift package reads Thrift's compact protocol without
// generated code and a runtime), from the protocol's specification
// (thrift/doc/specs/thrift-compact-protocol.md).
import SluiceFormats

/// Reads Thrift compact-protocol structures (Parquet's footer and page headers) from bytes
/// that may be damaged in any way.
///
/// Every length and count is checked against the bytes that remain before anything is
/// allocated from it, nesting is limited to ``maximumDepth``, and every failure is a
/// ``FormatError`` that says what was being read and at which byte of the file.
struct ThriftCompactReader {
    typealias FieldType = ThriftFieldType

    /// Structures and lists nested deeper than this are refused (Parquet's own nest a few
    /// levels; a bit-flipped footer must not recurse without bound).
    static let maximumDepth = 64

    private let bytes: UnsafeRawBufferPointer
    /// The read position inside `bytes`.
    private(set) var position: Int
    /// The file offset of `bytes[0]`, for messages.
    private let fileOffset: Int
    /// What is being read, for messages: `orders.parquet: footer`.
    private let context: String
    private var depth = 0

    /// A reader of `bytes`, which start at byte `fileOffset` of the file; `context` starts
    /// every error message.
    init(_ bytes: UnsafeRawBufferPointer, fileOffset: Int, context: String) {
        self.bytes = bytes
        self.position = 0
        self.fileOffset = fileOffset
        self.context = context
    }

    /// The number of bytes not read yet.
    var remaining: Int { bytes.count - position }

    /// An error at the current position.
    func error(_ message: String) -> FormatError {
        FormatError("\(context): \(message) at byte \(fileOffset + position)")
    }

    // MARK: - Scalars

    /// One byte.
    mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw error("the data ends in the middle of a value") }
        let byte = bytes[position]
        position += 1
        return byte
    }

    /// An unsigned LEB128 varint of at most 64 bits.
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            if shift == 63, byte > 1 { throw error("a varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error("a varint is longer than 10 bytes") }
        }
    }

    /// A zigzag-encoded varint.
    mutating func readZigzag() throws -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// An `i16` field value.
    mutating func readI16(_ type: FieldType) throws -> Int16 {
        try expect(type, .i16)
        let value = try readZigzag()
        guard let narrow = Int16(exactly: value) else { throw error("the i16 value \(value) is out of range") }
        return narrow
    }

    /// An `i32` field value.
    mutating func readI32(_ type: FieldType) throws -> Int32 {
        try expect(type, .i32)
        return try readI32Value()
    }

    /// An `i32` without a field type to check (a list element).
    mutating func readI32Value() throws -> Int32 {
        let value = try readZigzag()
        guard let narrow = Int32(exactly: value) else { throw error("the i32 value \(value) is out of range") }
        return narrow
    }

    /// An `i64` field value.
    mutating func readI64(_ type: FieldType) throws -> Int64 {
        try expect(type, .i64)
        return try readZigzag()
    }

    /// A `byte` field value (Thrift's `i8`).
    mutating func readI8(_ type: FieldType) throws -> Int8 {
        try expect(type, .byte)
        return Int8(bitPattern: try readByte())
    }

    /// A `bool` field value: the compact protocol stores it in the field's type.
    mutating func readBool(_ type: FieldType) throws -> Bool {
        switch type {
        case .boolTrue: return true
        case .boolFalse: return false
        default: throw error("expected a bool field, found \(type.name)")
        }
    }

    /// A `binary` field value.
    mutating func readBinary(_ type: FieldType) throws -> [UInt8] {
        try expect(type, .binary)
        return try readBinaryValue()
    }

    /// A `binary` without a field type to check (a list element).
    mutating func readBinaryValue() throws -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(remaining) else {
            throw error("a binary value of \(length) bytes runs past the end of the data (\(remaining) bytes left)")
        }
        let count = Int(truncatingIfNeeded: length)
        let value = Array(bytes[position..<(position + count)])
        position += count
        return value
    }

    /// A `string` field value (binary holding UTF-8; ill-formed bytes become U+FFFD).
    mutating func readString(_ type: FieldType) throws -> String {
        String(decoding: try readBinary(type), as: UTF8.self)
    }

    /// A `string` without a field type to check (a list element).
    mutating func readStringValue() throws -> String {
        String(decoding: try readBinaryValue(), as: UTF8.self)
    }

    private func expect(_ type: FieldType, _ wanted: FieldType) throws {
        guard type == wanted else { throw error("expected a field of type \(wanted.name), found \(type.name)") }
    }

    // MARK: - Structures

    /// Reads one structure: calls `body` with each field's id and type, which must read the
    /// field's value or call ``skip(_:)``, until the stop byte.
    mutating func readStruct(_ body: (inout ThriftCompactReader, Int16, FieldType) throws -> Void) throws {
        try enter()
        var lastId: Int16 = 0
        while true {
            let header = try readByte()
            if header == 0 { break }
            let type = try fieldType(header & 0x0F)
            let delta = Int16(header >> 4)
            let id: Int16
            if delta == 0 {
                let explicit = try readZigzag()
                guard let narrow = Int16(exactly: explicit) else { throw error("field id \(explicit) is out of range") }
                id = narrow
            } else {
                let (sum, overflow) = lastId.addingReportingOverflow(delta)
                guard !overflow else { throw error("field id overflows") }
                id = sum
            }
            lastId = id
            try body(&self, id, type)
        }
        depth -= 1
    }

    /// Reads the header of a list (or set) field and returns its element count and type; the
    /// caller reads that many elements. The count is checked against the bytes that remain
    /// (every element takes at least one byte).
    mutating func readListHeader(_ type: FieldType) throws -> (count: Int, element: FieldType) {
        guard type == .list || type == .set else { throw error("expected a list field, found \(type.name)") }
        return try readListHeaderValue()
    }

    private mutating func readListHeaderValue() throws -> (count: Int, element: FieldType) {
        let header = try readByte()
        let element = try fieldType(header & 0x0F)
        var count = UInt64(header >> 4)
        if count == 15 { count = try readVarint() }
        guard count <= UInt64(remaining) else {
            throw error("a list of \(count) elements cannot fit in the \(remaining) bytes left")
        }
        return (Int(truncatingIfNeeded: count), element)
    }

    /// Reads a list of `i32` values.
    mutating func readI32List(_ type: FieldType) throws -> [Int32] {
        let (count, element) = try readListHeader(type)
        guard element == .i32 else { throw error("expected a list of i32, found a list of \(element.name)") }
        var values: [Int32] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readI32Value()) }
        return values
    }

    /// Reads a list of strings.
    mutating func readStringList(_ type: FieldType) throws -> [String] {
        let (count, element) = try readListHeader(type)
        guard element == .binary else { throw error("expected a list of strings, found a list of \(element.name)") }
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readStringValue()) }
        return values
    }

    /// Reads a list of structures, each with `element`.
    mutating func readStructList<T>(_ type: FieldType, _ element: (inout ThriftCompactReader) throws -> T) throws -> [T] {
        let (count, elementType) = try readListHeader(type)
        guard elementType == .structure else { throw error("expected a list of structs, found a list of \(elementType.name)") }
        try enter()
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try element(&self)) }
        depth -= 1
        return values
    }

    // MARK: - Skipping

    /// Skips a field value of `type` (a field this code does not use).
    mutating func skip(_ type: FieldType) throws {
        switch type {
        case .boolTrue, .boolFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: try advance(8)
        case .binary:
            let length = try readVarint()
            guard length <= UInt64(remaining) else {
                throw error("a binary value of \(length) bytes runs past the end of the data (\(remaining) bytes left)")
            }
            position += Int(truncatingIfNeeded: length)
        case .list, .set:
            let (count, element) = try readListHeaderValue()
            try enter()
            for _ in 0..<count { try skipElement(element) }
            depth -= 1
        case .map:
            let size = try readVarint()
            guard size > 0 else { return }
            let types = try readByte()
            let key = try fieldType(types >> 4)
            let value = try fieldType(types & 0x0F)
            guard size <= UInt64(remaining) else { throw error("a map of \(size) entries cannot fit in the \(remaining) bytes left") }
            try enter()
            for _ in 0..<size {
                try skipElement(key)
                try skipElement(value)
            }
            depth -= 1
        case .structure:
            try readStruct { reader, _, fieldType in try reader.skip(fieldType) }
        }
    }

    /// Skips a list, set or map element: unlike a field, a boolean element takes a byte.
    private mutating func skipElement(_ type: FieldType) throws {
        if type == .boolTrue || type == .boolFalse {
            _ = try readByte()
        } else {
            try skip(type)
        }
    }

    private mutating func advance(_ count: Int) throws {
        guard count <= remaining else { throw error("the data ends in the middle of a value") }
        position += count
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("structures are nested more than \(Self.maximumDepth) deep") }
    }

    private func fieldType(_ nibble: UInt8) throws -> FieldType {
        guard let type = FieldType(rawValue: nibble) else { throw error("unknown field type \(nibble)") }
        return type
    }
}
