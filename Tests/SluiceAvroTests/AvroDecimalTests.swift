@testable import SluiceAvro
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct AvroDecimalTests {
    private func value(_ bytes: [UInt8], scale: Int) -> Value {
        bytes.withUnsafeBytes { AvroDecimal.value(unscaled: $0, scale: scale) }
    }

    @Test func twosComplementBytesToValues() {
        #expect(value([], scale: 0) == 0)
        #expect(value([0xFF], scale: 0) == -1)
        #expect(value([0x80], scale: 0) == -128)
        #expect(value([0x00, 0x80], scale: 0) == 128)
        #expect(value([0x7F] + Array(repeating: 0xFF, count: 7), scale: 0) == .int(Int.max))
        #expect(value([0x80] + Array(repeating: 0x00, count: 7), scale: 0) == .int(Int.min))
        #expect(value([0x00, 0x80] + Array(repeating: 0x00, count: 7), scale: 0) == "9223372036854775808")
        #expect(value([0xFF, 0x7F] + Array(repeating: 0xFF, count: 7), scale: 0) == "-9223372036854775809")
        #expect(value([0x04, 0xD2], scale: 2) == 12.34)
        #expect(value([0x04, 0xD2], scale: 6) == 0.001234)
        #expect(value([0x04, 0xB0], scale: 2) == 12)
        #expect(value([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], scale: 30) == -1e-30)
        // 2^64 + 1 at scale 2: not a double's shortest text.
        #expect(value([0x01, 0, 0, 0, 0, 0, 0, 0, 0x01], scale: 2) == "184467440737095516.17")
        #expect(value([0x01, 0, 0, 0, 0, 0, 0, 0, 0x01], scale: 25) == "0.0000018446744073709551617")
    }

    @Test func valuesToBytesMatchJavaBigIntegerToByteArray() async throws {
        let texts = ["0", "1", "-1", "127", "128", "-128", "-129", "255", "256", "-256", "32767", "-32768", "8388607",
                     "9223372036854775807", "-9223372036854775808", "18446744073709551616", "-18446744073709551617",
                     "99999999999999999999999999999999999999", "-99999999999999999999999999999999999999", "1.5", "-0.01", "1e3", "2.50E-1"]
        let script = #"""
import sys, decimal
decimal.getcontext().prec = 100
for t in sys.argv[1:]:
    n = int(decimal.Decimal(t).scaleb(2))
    size = (n if n >= 0 else ~n).bit_length() // 8 + 1
    print(n.to_bytes(size, "big", signed=True).hex())
"""#
        let expected = try await Python.run(script, arguments: texts).split(separator: "\n").map(String.init)
        for (text, hex) in zip(texts, expected) {
            let result = AvroDecimal.unscaledBytes(.string(text), precision: 41, scale: 2)
            guard case .success(let bytes) = result else {
                Issue.record("\(text) was refused")
                continue
            }
            #expect(bytes.map { String(format: "%02x", $0) }.joined() == hex, "\(text)")
            let back = value(bytes, scale: 2)
            let backText: String
            switch back {
            case .int(let i): backText = String(i)
            case .double(let d): backText = d.description
            case .string(let s): backText = s
            default: backText = "?"
            }
            #expect(ExactDecimal.sameNumber(backText, text), "\(text) → \(back)")
        }
        #expect(expected.count == texts.count)
    }

    @Test func writingRefusesWhatDoesNotFitExactly() {
        func message(_ value: Value, _ precision: Int, _ scale: Int) -> String? {
            if case .failure(let error) = AvroDecimal.unscaledBytes(value, precision: precision, scale: scale) { return error.message }
            return nil
        }
        #expect(message("1.234", 9, 2) == "1.234 has more than 2 digits after the point")
        #expect(message("1.230", 9, 2) == nil)
        #expect(message(1_000_000_000, 9, 0) == "1000000000 has more than 9 digits at scale 0")
        #expect(message("1e999999999", 9, 0) == "1e999999999 has more than 9 digits at scale 0")
        #expect(message("1e-999999999", 9, 0) == "1e-999999999 has more than 0 digits after the point")
        #expect(message(.double(.infinity), 9, 0) == "inf is not a finite number")
        #expect(message("abc", 9, 0) == "'abc' is not a decimal number")
        #expect(message(true, 9, 0) == "a boolean is not a decimal number")
        #expect(message(0.1, 3, 2) == nil)
    }
}
