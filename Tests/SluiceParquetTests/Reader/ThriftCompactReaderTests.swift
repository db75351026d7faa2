import SluiceFormats
import Testing

@testable import SluiceParquet

/// The compact protocol on hand-made bytes: every field type, long-form field ids, skipping
/// unknown fields of every type, and the limits that keep a damaged footer from allocating or
/// recursing without bound.
@Suite struct ThriftCompactReaderTests {
    /// Reads a struct and returns its fields as `id: value` texts (unknown types skipped).
    private func fields(_ bytes: [UInt8], known: Set<Int16>) throws -> [String] {
        var out: [String] = []
        try bytes.withUnsafeBytes { raw in
            var reader = ThriftCompactReader(raw, fileOffset: 100, context: "test")
            try reader.readStruct { r, id, type in
                guard known.contains(id) else { return try r.skip(type) }
                switch type {
                case .boolTrue, .boolFalse: out.append("\(id): \(try r.readBool(type))")
                case .byte: out.append("\(id): \(try r.readI8(type))")
                case .i16: out.append("\(id): \(try r.readI16(type))")
                case .i32: out.append("\(id): \(try r.readI32(type))")
                case .i64: out.append("\(id): \(try r.readI64(type))")
                case .binary: out.append("\(id): \(try r.readString(type))")
                case .list: out.append("\(id): \(try r.readI32List(type))")
                default: try r.skip(type)
                }
            }
            #expect(reader.remaining == 0)
        }
        return out
    }

    @Test func readsEveryScalarTypeAndLongFieldIds() throws {
        let bytes: [UInt8] = [
            0x15, 0x0A,  // 1: i32 5
            0x18, 0x02, 0x68, 0x69,  // 2: binary "hi"
            0x11,  // 3: bool true
            0x12,  // 4: bool false
            0x06, 0x28, 0x01,  // 20 (long form): i64 -1
            0x19, 0x35, 0x02, 0x04, 0x06,  // 21: list<i32> [1, 2, 3]
            0x13, 0xFF,  // 22: byte -1
            0x14, 0xFE, 0x03,  // 23: i16 255
            0x00,
        ]
        #expect(
            try fields(bytes, known: [1, 2, 3, 4, 20, 21, 22, 23]) == [
                "1: 5", "2: hi", "3: true", "4: false", "20: -1", "21: [1, 2, 3]", "22: -1", "23: 255",
            ])
    }

    @Test func skipsUnknownFieldsOfEveryType() throws {
        let bytes: [UInt8] = [
            0x17, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,  // 1: double 1.0
            0x1B, 0x01, 0x85, 0x01, 0x61, 0x02,  // 2: map<string, i32> {"a": 1}
            0x1A, 0x21, 0x01, 0x02,  // 3: set<bool> {true, false}
            0x1C, 0x19, 0x19, 0x15, 0x02, 0x00,  // 4: struct {1: list<list<i32>> [[1]]}
            0x13, 0x7F,  // 5: byte
            0x14, 0x02,  // 6: i16
            0x1B, 0x00,  // 7: empty map
            0x18, 0x00,  // 8: empty binary
            0x15, 0x12,  // 9: i32 9 (known)
            0x00,
        ]
        #expect(try fields(bytes, known: [9]) == ["9: 9"])
    }

    @Test func refusesNestingBeyondTheLimit() throws {
        let bytes = [UInt8](repeating: 0x1C, count: 200) + [UInt8](repeating: 0x00, count: 201)
        let error = try #require(throws: FormatError.self) { _ = try fields(bytes, known: []) }
        #expect(error.message.contains("nested more than 64 deep"))
    }

    @Test func refusesCountsAndLengthsBeyondTheData() throws {
        // A list claiming 2^40 elements: refused before anything is allocated.
        let list: [UInt8] = [0x19, 0xF5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00]
        let listError = try #require(throws: FormatError.self) { _ = try fields(list, known: [1]) }
        #expect(listError.message.contains("cannot fit"))
        #expect(listError.message.hasPrefix("test: "))
        let binary: [UInt8] = [0x18, 0x10, 0x61, 0x00]
        let binaryError = try #require(throws: FormatError.self) { _ = try fields(binary, known: [1]) }
        #expect(binaryError.message.contains("runs past the end") && binaryError.message.contains("at byte 102"))
        let varint: [UInt8] = [0x16] + [UInt8](repeating: 0xFF, count: 11)
        #expect(throws: FormatError.self) { _ = try fields(varint, known: [1]) }
        let truncated: [UInt8] = [0x15]
        #expect(throws: FormatError.self) { _ = try fields(truncated, known: [1]) }
        let badType: [UInt8] = [0x1D, 0x00]
        #expect(throws: FormatError.self) { _ = try fields(badType, known: []) }
    }

    @Test func refusesAKnownFieldOfTheWrongType() throws {
        let bytes: [UInt8] = [0x16, 0x02, 0x00]  // 1: i64 where an i32 is expected
        #expect(throws: FormatError.self) {
            try bytes.withUnsafeBytes { raw in
                var reader = ThriftCompactReader(raw, fileOffset: 0, context: "test")
                try reader.readStruct { r, _, type in _ = try r.readI32(type) }
            }
        }
    }
}
