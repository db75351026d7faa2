import Testing

@testable import SluiceConnectors

/// `DECIMAL` values as the server sends them (text) become ints, doubles or exact text.
@Suite struct MySQLDecimalTextTests {
    @Test func decimalsBecomeIntsDoublesOrExactText() {
        #expect(MySQLDecimalText.canonical("-0012.3400") == "-12.34")
        #expect(MySQLDecimalText.canonical("1e-10") == "0.0000000001")
        #expect(MySQLDecimalText.canonical("1.2345678901234567e+19") == "12345678901234567000")
        #expect(MySQLDecimalText.canonical("-0.000") == "0")
        #expect(MySQLDecimalText.canonical("12a") == nil)
        #expect(MySQLDecimalText.value("42.000") == .int(42))
        #expect(MySQLDecimalText.value("9223372036854775808") == .text("9223372036854775808"))
        #expect(MySQLDecimalText.value("0.1000000000") == .double(0.1))
        #expect(MySQLDecimalText.value("12345678901234567890.0123456789") == .text("12345678901234567890.0123456789"))
        #expect(MySQLDecimalText.value("0.1000000000000000055511151231257827") == .text("0.1000000000000000055511151231257827"))
        #expect(MySQLDecimalText.value("100000000000000000000") == .double(1e20))
        // The byte path gives the same answers as the text path.
        let samples = [
            "42.000", "-0.000", "0", "-12345", "999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "0.1000000000", "-1.5", "12345678901234567890.0123456789", "0.1000000000000000055511151231257827", "100000000000000000000",
            "-0.0000000001", "1e5", ".5", "5.", "abc",
        ]
        for sample in samples {
            let fromBytes = Array(sample.utf8).withUnsafeBytes { MySQLDecimalText.value(bytes: $0) }
            #expect(fromBytes == MySQLDecimalText.value(sample), "\(sample)")
        }
        #expect(Array("-0.0000000001".utf8).withUnsafeBytes { MySQLDecimalText.value(bytes: $0) } == .double(-1e-10))
    }
}
