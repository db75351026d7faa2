import SluiceCore
import Testing

@testable import SluiceParquet

/// The exact-value rule for decimals, on unscaled integers of 64 bits and of 16 bytes
/// (expected values from Python's `decimal` with the same rule).
@Suite struct ParquetDecimalTests {
    @Test(arguments: [
        (Int64(1234), 2, Value.double(12.34)),
        (1200, 2, .int(12)),
        (-5, 3, .double(-0.005)),
        (12_345_678_901_234_567, 2, .double(123_456_789_012_345.67)),
        (9_007_199_254_740_993, 1, .string("900719925474099.3")),
        (123_456_789_012_345_678, 18, .string("0.123456789012345678")),
        (Int64.min, 0, .int(Int.min)),
        (Int64.min, 4, .string("-922337203685477.5808")),
        (0, 7, .int(0)),
        (-1, 10, .double(-1e-10)),
        (123_456_789, 20, .double(1.23456789e-12)),
    ])
    func sixtyFourBitUnscaled(unscaled: Int64, scale: Int, expected: Value) {
        let value = ParquetDecimal.value(unscaled: unscaled, scale: scale)
        #expect(ParquetFixtures.same(value, expected), "\(unscaled) at scale \(scale): \(value)")
    }

    @Test(arguments: [
        ("90000000000000000000000000000000000001", 10, Value.string("9000000000000000000000000000.0000000001")),
        ("-1000000000000000000000000000000", 10, .double(-1e20)),
        ("123456789012345678900000000000", 10, .string("12345678901234567890.0000000000")),
        ("99999999999999999999999999999999999999", 10, .string("9999999999999999999999999999.9999999999")),
        ("-99999999999999999999999999999999999999", 0, .string("-99999999999999999999999999999999999999")),
        ("1", 30, .double(1e-30)),
        ("100000000000000000000", 1, .double(1e19)),
        ("-1", 0, .int(-1)),
        ("-9223372036854775809", 0, .string("-9223372036854775809")),
        ("9223372036854775808", 1, .string("922337203685477580.8")),
    ])
    func sixteenByteUnscaled(decimal: String, scale: Int, expected: Value) throws {
        let bytes = try #require(Self.twosComplement(decimal, width: 16))
        let value = try #require(bytes.withUnsafeBytes { ParquetDecimal.value(bigEndian: $0, scale: scale) })
        #expect(ParquetFixtures.same(value, expected), "\(decimal) at scale \(scale): \(value)")
    }

    @Test func narrowAndSignExtendedWidthsAgree() throws {
        for text in ["0", "1", "-1", "127", "-128", "32767", "-32768", "1234567", "-99999999"] {
            let wide = try #require(Self.twosComplement(text, width: 16))
            let narrow = try #require(Self.twosComplement(text, width: 4))
            let a = try #require(wide.withUnsafeBytes { ParquetDecimal.value(bigEndian: $0, scale: 2) })
            let b = try #require(narrow.withUnsafeBytes { ParquetDecimal.value(bigEndian: $0, scale: 2) })
            #expect(ParquetFixtures.same(a, b), "\(text)")
            #expect(ParquetFixtures.same(a, ParquetDecimal.value(unscaled: Int64(text) ?? 0, scale: 2)))
        }
    }

    @Test func refusesEmptyAndOverlongUnscaledValues() {
        #expect([UInt8]().withUnsafeBytes { ParquetDecimal.value(bigEndian: $0, scale: 0) } == nil)
        let long = [UInt8](repeating: 0x12, count: ParquetReadLimits.maximumDecimalBytes + 1)
        #expect(long.withUnsafeBytes { ParquetDecimal.value(bigEndian: $0, scale: 0) } == nil)
    }

    /// `text` (a decimal integer) as big-endian two's complement of `width` bytes.
    static func twosComplement(_ text: String, width: Int) -> [UInt8]? {
        let negative = text.hasPrefix("-")
        var magnitude: [UInt8] = Array(repeating: 0, count: width)
        for digit in text.utf8 where digit != UInt8(ascii: "-") {
            // magnitude = magnitude * 10 + digit
            var carry = Int(digit - UInt8(ascii: "0"))
            for i in stride(from: width - 1, through: 0, by: -1) {
                let value = Int(magnitude[i]) * 10 + carry
                magnitude[i] = UInt8(value & 0xFF)
                carry = value >> 8
            }
            if carry != 0 { return nil }
        }
        guard negative else { return magnitude }
        var carry = 1
        for i in stride(from: width - 1, through: 0, by: -1) {
            let value = Int(~magnitude[i]) + carry
            magnitude[i] = UInt8(value & 0xFF)
            carry = value >> 8
        }
        return magnitude
    }
}
