import SluiceCore
import Testing

@Suite("JSONText")
struct JSONTextTests {
    func text(_ body: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = [0x2A]
        body(&out)
        return String(decoding: out.dropFirst(), as: UTF8.self)
    }

    @Test("integers are spelled as String(_:) spells them, appended after what is there")
    func integers() {
        var values = [0, 1, -1, 9, 10, -10, 99, 100, Int.max, Int.min, Int.min + 1]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, -power, -power - 1]
        }
        // A fixed linear congruential sequence covers every width.
        var state: UInt64 = 12345
        for i in 0..<100_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Int(truncatingIfNeeded: state) >> (i % 64))
        }
        for value in values { #expect(text { JSONText.appendInt(value, to: &$0) } == String(value)) }
    }

    @Test("doubles: description, non-finite as null")
    func doubles() {
        for value in [0.0, -0.0, 1, 0.1, 1e-7, 1e21, 123456789.125, .greatestFiniteMagnitude] {
            #expect(text { JSONText.appendDouble(value, to: &$0) } == value.description)
        }
        for value in [Double.nan, .infinity, -.infinity] { #expect(text { JSONText.appendDouble(value, to: &$0) } == "null") }
    }

    @Test("strings: quotes, backslashes and controls escaped, everything else as it is")
    func strings() {
        let short: [UInt8: String] = [0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: "\\\"", 0x5C: "\\\\"]
        let hex = Array("0123456789abcdef")
        for b in UInt8(0)..<0x80 {
            let expected: String
            if let s = short[b] {
                expected = s
            } else if b < 0x20 {
                expected = "\\u00" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 0xF)])
            } else {
                expected = String(UnicodeScalar(b))
            }
            #expect(text { JSONText.appendString("a" + String(UnicodeScalar(b)) + "é", to: &$0) } == "\"a" + expected + "é\"")
        }
        #expect(JSONText.string(.string("")) == "\"\"")
        #expect(JSONText.string(["k\"": [1, -2.5, "x\ny", nil, true]]) == #"{"k\"":[1,-2.5,"x\ny",null,true]}"#)
    }
}
