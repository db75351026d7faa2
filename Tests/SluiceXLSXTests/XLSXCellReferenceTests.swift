import SluiceFormats
import Testing

@testable import SluiceXLSX

@Suite struct XLSXCellReferenceTests {
    @Test func parsesReferences() {
        #expect(XLSXCellReference.parse("A1") == .init(column: 1, row: 1))
        #expect(XLSXCellReference.parse("$AB$12") == .init(column: 28, row: 12))
        #expect(XLSXCellReference.parse("XFD1048576") == .init(column: 16_384, row: 1_048_576))
        #expect(XLSXCellReference.parse("C") == .init(column: 3, row: nil))
        #expect(XLSXCellReference.parse("7") == .init(column: nil, row: 7))
        for bad in ["", "XFE1", "A0", "A1048577", "XFD9999999", "AAAA1", "1A", "A-1", "A 1"] {
            #expect(XLSXCellReference.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func columnLetters() {
        #expect(XLSXCellReference.letters(1) == "A")
        #expect(XLSXCellReference.letters(26) == "Z")
        #expect(XLSXCellReference.letters(27) == "AA")
        #expect(XLSXCellReference.letters(702) == "ZZ")
        #expect(XLSXCellReference.letters(703) == "AAA")
        #expect(XLSXCellReference.letters(16_384) == "XFD")
        for column in 1...16_384 {
            let letters = XLSXCellReference.letters(column)
            #expect(XLSXCellReference.parse(letters)?.column == column)
        }
    }

    @Test func ranges() throws {
        #expect(try XLSXRange(parsing: "A1:D100") == XLSXRange(firstColumn: 1, lastColumn: 4, firstRow: 1, lastRow: 100))
        #expect(try XLSXRange(parsing: "B3:") == XLSXRange(firstColumn: 2, lastColumn: 16_384, firstRow: 3, lastRow: 1_048_576))
        #expect(try XLSXRange(parsing: "B3") == XLSXRange(firstColumn: 2, lastColumn: 16_384, firstRow: 3, lastRow: 1_048_576))
        #expect(try XLSXRange(parsing: "A:C") == XLSXRange(firstColumn: 1, lastColumn: 3, firstRow: 1, lastRow: 1_048_576))
        #expect(try XLSXRange(parsing: "2:10") == XLSXRange(firstColumn: 1, lastColumn: 16_384, firstRow: 2, lastRow: 10))
        for bad in ["", ":", "D1:A1", "A1:C", "A:3", "Z9:A1", "foo1bar", "A1:B2:C3"] {
            #expect(throws: FormatError.self, "\(bad)") { try XLSXRange(parsing: bad) }
        }
    }
}
