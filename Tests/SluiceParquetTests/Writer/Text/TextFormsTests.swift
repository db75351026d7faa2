import Testing

@testable import SluiceParquet

/// The text forms of binary values, UUIDs and times of day.
@Suite struct TextFormsTests {
    static func base64(_ text: String) -> [UInt8]? {
        var text = text
        var out: [UInt8] = []
        return text.withUTF8 { Base64Text.decode(UnsafeRawBufferPointer($0), into: &out) } ? out : nil
    }

    @Test func base64() {
        #expect(Self.base64("") == [])
        #expect(Self.base64("AA==") == [0])
        #expect(Self.base64("AAE=") == [0, 1])
        #expect(Self.base64("AAEC") == [0, 1, 2])
        #expect(Self.base64("AAEC/w==") == [0, 1, 2, 255])
        #expect(Self.base64("AAEC/w") == [0, 1, 2, 255])
        #expect(Self.base64("+/+/") == [0xFB, 0xFF, 0xBF])
        for bad in ["A", "A===", "AA=A", "AAE=A", "AA AA", "AA-_", "AAA=="] {
            #expect(Self.base64(bad) == nil, "\(bad)")
        }
    }

    @Test func uuid() {
        func parse(_ text: String) -> [UInt8]? {
            var text = text
            var out: [UInt8] = []
            return text.withUTF8 { UUIDText.parse(UnsafeRawBufferPointer($0), into: &out) } ? out : nil
        }
        #expect(
            parse("123e4567-e89b-12d3-a456-426614174000")
                == [0x12, 0x3E, 0x45, 0x67, 0xE8, 0x9B, 0x12, 0xD3, 0xA4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00])
        #expect(parse("123E4567-E89B-12D3-A456-42661417400F")?.last == 0x0F)
        for bad in ["", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g", "123e4567-e89b-12d3-a456_426614174000"] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }

    @Test func timeOfDay() {
        func nanos(_ text: String) -> Int64? {
            var text = text
            return text.withUTF8 { TimeOfDayText.nanoseconds(UnsafeRawBufferPointer($0)) }
        }
        #expect(nanos("00:00:00") == 0)
        #expect(nanos("23:59:59.999999999") == 86_399_999_999_999)
        #expect(nanos("12:30") == 45_000_000_000_000)
        #expect(nanos("01:02:03.5") == 3_723_500_000_000)
        for bad in ["24:00:00", "12:60:00", "12:00:60", "1:00:00", "12:00:00.", "12:00:00.1234567890", "12:00:00Z", ""] {
            #expect(nanos(bad) == nil, "\(bad)")
        }
    }
}
