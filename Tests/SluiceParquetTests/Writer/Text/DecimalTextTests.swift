import Testing

@testable import SluiceParquet

@Suite struct DecimalTextTests {
    static func parse(_ text: String, _ precision: Int, _ scale: Int) -> Result<DecimalText, DecimalText.Failure> {
        var text = text
        return text.withUTF8 { DecimalText.parse(UnsafeRawBufferPointer($0), precision: precision, scale: scale) }
    }

    static func unscaled(_ text: String, _ precision: Int, _ scale: Int) -> String? {
        guard case .success(let d) = parse(text, precision, scale) else { return nil }
        return (d.negative ? "-" : "") + (d.digits.isEmpty ? "0" : d.digits.map(String.init).joined())
    }

    @Test func exactUnscaledValues() {
        #expect(Self.unscaled("12.5", 12, 2) == "1250")
        #expect(Self.unscaled("-0.01", 12, 2) == "-1")
        #expect(Self.unscaled("+7", 3, 2) == "700")
        #expect(Self.unscaled("1e-05", 10, 5) == "1")
        #expect(Self.unscaled("1.5E+3", 10, 0) == "1500")
        #expect(Self.unscaled("0.000", 1, 0) == "0")
        #expect(Self.unscaled("-0", 1, 0) == "0")
        #expect(Self.unscaled(".5", 2, 1) == "5")
        #expect(Self.unscaled("5.", 2, 1) == "50")
        #expect(Self.unscaled("00012.3400", 4, 2) == "1234")
        #expect(Self.unscaled("99999999999999999999999999999999999999", 38, 0) == String(repeating: "9", count: 38))
    }

    @Test func failures() {
        for text in ["", "-", ".", "1.2.3", "1e", "e5", "1 ", "0x10", "1e+"] {
            #expect(throws: DecimalText.Failure.notANumber, "\(text)") { try Self.parse(text, 10, 2).get() }
        }
        #expect(throws: DecimalText.Failure.fractionDigits(3)) { try Self.parse("1.001", 10, 2).get() }
        #expect(throws: DecimalText.Failure.fractionDigits(3)) { try Self.parse("1.0010", 10, 2).get() }
        #expect(throws: DecimalText.Failure.integerDigits(9)) { try Self.parse("123456789", 10, 2).get() }
        #expect(throws: DecimalText.Failure.integerDigits(1_000_001)) { try Self.parse("1e1000000", 10, 2).get() }
        #expect(throws: DecimalText.Failure.fractionDigits(999_999_999_999)) { try Self.parse("1e-999999999999", 10, 2).get() }
    }

    @Test func bigEndianTwosComplement() {
        func bytes(_ text: String, length: Int) -> [UInt8] {
            guard case .success(let d) = Self.parse(text, 39, 0) else { return [] }
            var out: [UInt8] = []
            d.appendBigEndian(length: length, to: &out)
            return out
        }
        #expect(bytes("1", length: 3) == [0, 0, 1])
        #expect(bytes("-1", length: 3) == [0xFF, 0xFF, 0xFF])
        #expect(bytes("256", length: 2) == [1, 0])
        #expect(bytes("-256", length: 2) == [0xFF, 0x00])
        #expect(bytes("0", length: 2) == [0, 0])
        #expect(bytes("-170141183460469231731687303715884105728", length: 16) == [0x80] + Array(repeating: 0, count: 15))
    }
}
