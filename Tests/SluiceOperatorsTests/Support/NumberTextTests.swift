import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct NumberTextTests {
    @Test func parsesWhatValueParseNumberAccepts() {
        #expect(NumberText.parse("42") == .int(42))
        #expect(NumberText.parse("-7") == .int(-7))
        #expect(NumberText.parse("+5") == .int(5))
        #expect(NumberText.parse(" 12\t") == .int(12))
        #expect(NumberText.parse("007") == .int(7))
        #expect(NumberText.parse("4.5") == .double(4.5))
        #expect(NumberText.parse("1e3") == .double(1000))
        #expect(NumberText.parse(".5") == .double(0.5))
        #expect(NumberText.parse("123456789012345678") == .int(123_456_789_012_345_678))
        #expect(NumberText.parse("12345678901234567890") == .double(12_345_678_901_234_567_890))
        for bad in ["", " ", "abc", "1.2.3", "--1", "-", "1e", "0x10", "inf", "nan", "1,5", "12a"] {
            #expect(NumberText.parse(bad) == nil, "\(bad)")
            #expect(Value.parseNumber(bad) == nil, "Core disagrees on \(bad)")
        }
        for good in ["42", "-7", "+5", " 12\t", "4.5", "1e3", ".5", "12345678901234567890"] {
            #expect(NumberText.parse(good)?.double == Value.parseNumber(good), "\(good)")
        }
    }

    @Test func textOfDoublesAsJavaScriptPrintsThem() {
        #expect(NumberText.text(42.0) == "42")
        #expect(NumberText.text(-0.5) == "-0.5")
        #expect(NumberText.text(4.5) == "4.5")
        #expect(NumberText.text(1e21) == "1e+21")
        #expect(Value.double(3).plainText == "3")
        #expect(Value.string("x").quotedText == "'x'")
        #expect(Value.int(3).quotedText == "3")
    }

    @Test func looseEquality() {
        #expect(LooseComparison.equals("42", 42))
        #expect(LooseComparison.equals(42.0, "42"))
        #expect(!LooseComparison.equals("42.0", "42"))
        #expect(!LooseComparison.equals("", 0))
        #expect(LooseComparison.equals(nil, nil))
        #expect(!LooseComparison.equals(nil, 0))
        #expect(!LooseComparison.equals(true, 1))
        // Bytes, not canonical equivalence: "é" precomposed differs from "e" + combining accent.
        #expect(!LooseComparison.equals("\u{E9}", "e\u{301}"))
        let instant = Value.timestamp(Timestamp(milliseconds: 86_400_000))
        #expect(LooseComparison.equals(instant, "1970-01-02T00:00:00Z"))
        #expect(LooseComparison.order("b", "ab") == 1)
        #expect(LooseComparison.order("ab", "abc") == -1)
        #expect(LooseComparison.order(5, "10") == -1)
        #expect(LooseComparison.order(5, nil) == nil)
    }
}
