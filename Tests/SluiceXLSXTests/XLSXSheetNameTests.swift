import Testing

@testable import SluiceXLSX

@Suite struct XLSXSheetNameTests {
    @Test func namesAreMadeValidAndUnique() {
        var names = XLSXSheetName()
        #expect(names.make("Sales") == "Sales")
        #expect(names.make("sales") == "sales (2)")
        #expect(names.make("a/b:c[d]*?\\") == "a_b_c_d____")
        #expect(names.make("'quoted'") == "quoted")
        #expect(names.make("") == "Sheet")
        #expect(names.make("History") == "History_")
        #expect(names.make("tab\there\u{1}") == "tab_here_")
        let long = String(repeating: "x", count: 40)
        #expect(names.make(long) == String(repeating: "x", count: 31))
        #expect(names.make(long) == String(repeating: "x", count: 27) + " (2)")
        #expect(names.make("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀") == String(repeating: "😀", count: 15))
    }
}

enum JSONEncoderHelper {
    static func encode(_ strings: [String]) throws -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, s) in strings.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(s, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}

import SluiceCore
