import Foundation
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

@testable import SluiceXLSX

/// Damaged and hostile files: every one must fail with a FormatError (or read), never crash
/// or hang.
@Suite struct XLSXHostileInputTests {
    /// A small real workbook: two sheets, shared strings, styles, dates.
    static func sample(_ dir: TemporaryDirectory) async throws -> [UInt8] {
        let path = dir.file("sample.xlsx")
        try await XLSXTestSupport.python(
            """
            import sys, datetime, openpyxl
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.append(["id", "name", "when", "v"])
            for i in range(40):
                ws.append([i, "name %d" % (i % 7), datetime.datetime(2024, 1, 1 + i % 28, i % 24), i * 0.25])
            wb.create_sheet("B").append(["x", True])
            wb.save(sys.argv[1])
            """, path)
        return try XLSXTestSupport.bytes(path)
    }

    /// Reads `bytes` fully; a FormatError is fine, any other error is recorded.
    static func readOrFail(_ bytes: [UInt8], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try XLSXTestSupport.readAll(MemoryInput(name: "hostile.xlsx", bytes: bytes))
        } catch let error as FormatError {
            if !error.message.contains("hostile.xlsx") {
                Issue.record("\(label): message does not name the file: \(error.message)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("\(label): \(type(of: error)) \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func truncationAtEveryLength() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bytes = try await Self.sample(dir)
        for length in 0..<bytes.count {
            Self.readOrFail(Array(bytes[0..<length]), "truncated to \(length)")
        }
    }

    @Test func bitFlipsEverywhere() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bytes = try await Self.sample(dir)
        for position in 0..<bytes.count {
            var damaged = bytes
            damaged[position] ^= UInt8(1 << (position % 8))
            Self.readOrFail(damaged, "bit \(position % 8) of byte \(position) flipped")
        }
        // Every bit of the zip directory's end.
        for position in max(0, bytes.count - 200)..<bytes.count {
            for bit in 0..<8 {
                var damaged = bytes
                damaged[position] ^= UInt8(1 << bit)
                Self.readOrFail(damaged, "bit \(bit) of byte \(position) flipped")
            }
        }
    }

    static func expectError(_ bytes: [UInt8], containing: String, options: XLSXReadOptions = XLSXReadOptions(), sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try XLSXTestSupport.readAll(MemoryInput(name: "bad.xlsx", bytes: bytes), options: options)
            Issue.record("no error (expected one containing \(containing))", sourceLocation: sourceLocation)
        } catch let error as FormatError {
            #expect(error.message.contains(containing), "\(error.message)", sourceLocation: sourceLocation)
            #expect(error.message.contains("bad.xlsx"), "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(type(of: error)) \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func legacyXlsIsRefused() {
        let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 504)
        Self.expectError(ole, containing: "legacy .xls files are not supported; save the workbook as .xlsx")
    }

    @Test func notAZip() {
        Self.expectError(Array("id,name\n1,a\n".utf8), containing: "not an XLSX file")
        Self.expectError([], containing: "not a zip archive")
        Self.expectError(Array(repeating: 0x50, count: 100), containing: "not a zip archive")
    }

    /// Writes `parts` as a zip and returns its bytes.
    static func package(_ dir: TemporaryDirectory, _ parts: [(String, String)], stored: Bool = false) async throws -> [UInt8] {
        let path = dir.file("p\(UUID().uuidString.prefix(6)).xlsx")
        try await XLSXTestSupport.writePackage(path, parts: parts, stored: stored)
        return try XLSXTestSupport.bytes(path)
    }

    @Test func missingParts() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        Self.expectError(try await Self.package(dir, [("hello.txt", "hi")]), containing: "no workbook part")
        var parts = XLSXTestSupport.minimalPackage(sheetData: "")
        parts.removeAll { $0.0 == "xl/worksheets/sheet1.xml" }
        Self.expectError(try await Self.package(dir, parts), containing: "has no worksheet part")
        let noSheets = XLSXTestSupport.minimalPackage(sheetData: "").map { name, text in
            (name, name == "xl/workbook.xml" ? #"<workbook xmlns="urn:x"><sheets/></workbook>"# : text)
        }
        Self.expectError(try await Self.package(dir, noSheets), containing: "lists no sheets")
    }

    @Test(arguments: [
        (#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1"><c r="A1"><v>2</v></c></row>"#, "row 1 comes after row 1"),
        (#"<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>"#, "row 2 comes after row 3"),
        (#"<row r="1"><c r="C1"><v>1</v></c><c r="B1"><v>2</v></c></row>"#, "cell B1 comes after column C"),
        (#"<row r="1"><c r="XFD9999999"><v>1</v></c></row>"#, "XFD9999999"),
        (#"<row r="1"><c r="A2"><v>1</v></c></row>"#, "cell A2 inside row 1"),
        (#"<row r="9999999"><c><v>1</v></c></row>"#, "row number"),
        (#"<row r="1"><c r="A1" t="s"><v>5</v></c></row>"#, "cell A1: shared string 5"),
        (#"<row r="1"><c r="A1" t="q"><v>5</v></c></row>"#, "unknown cell type"),
        (#"<row r="1"><c r="A1"><v>abc</v></c></row>"#, "cell A1: `abc` is not a number"),
        (#"<row r="1"><c r="A1" t="b"><v>yes</v></c></row>"#, "cell A1: a boolean"),
        (#"<row r="1"><c r="A1"><v>1</c></row>"#, "does not match"),
        (#"<row r="1"><c r="A1"><v>1</v></c>"#, "does not match"),
        (#"<row r="1"><c r="A1" t="s"><v> </v></c></row>"#, "empty shared string index"),
        (#"<row r="1"><c r="A1" s="x"><v>1</v></c></row>"#, "cell style"),
    ])
    func malformedSheets(_ sheetData: String, _ message: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bytes = try await Self.package(dir, XLSXTestSupport.minimalPackage(sheetData: sheetData))
        Self.expectError(bytes, containing: message)
        Self.expectError(bytes, containing: "xl/worksheets/sheet1.xml")
    }

    @Test func malformedWorkbookAndStrings() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let badWorkbook = XLSXTestSupport.minimalPackage(sheetData: "").map { name, text in
            (name, name == "xl/workbook.xml" ? "<workbook><sheets><sheet name=\"a\"></sheets></workbook>" : text)
        }
        Self.expectError(try await Self.package(dir, badWorkbook), containing: "xl/workbook.xml")
        let badStrings = XLSXTestSupport.minimalPackage(sheetData: "", sharedStrings: "<si><t>a</si>")
        Self.expectError(try await Self.package(dir, badStrings), containing: "xl/sharedStrings.xml")
        let badStyles = XLSXTestSupport.minimalPackage(sheetData: "", styles: "<cellXfs><xf numFmtId=\"1\"></cellXfs>")
        Self.expectError(try await Self.package(dir, badStyles), containing: "xl/styles.xml")
    }

    /// A sheet whose central directory entry understates its size: the inflater stops at the
    /// declared size instead of producing the rest.
    @Test func inflatingPastTheDeclaredSizeIsRefused() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let rows = (1...2000).map { #"<row r="\#($0)"><c r="A\#($0)"><v>\#($0)</v></c></row>"# }.joined()
        var bytes = try await Self.package(dir, XLSXTestSupport.minimalPackage(sheetData: rows))
        // Find the sheet's central directory entry and shrink its uncompressed size.
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        var at = bytes.count - 22
        while at > 0 {
            if bytes[at] == 0x50, bytes[at + 1] == 0x4B, bytes[at + 2] == 0x01, bytes[at + 3] == 0x02,
                Array(bytes[(at + 46)..<(at + 46 + name.count)]) == name
            {
                break
            }
            at -= 1
        }
        bytes[at + 24] = 0x10
        bytes[at + 25] = 0x00
        bytes[at + 26] = 0x00
        bytes[at + 27] = 0x00
        Self.expectError(bytes, containing: "more than its declared")
    }

    @Test func storedPackagesRead() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bytes = try await Self.package(
            dir, XLSXTestSupport.minimalPackage(sheetData: #"<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row>"#),
            stored: true)
        let result = try XLSXTestSupport.readAll(MemoryInput(name: "stored.xlsx", bytes: bytes))
        #expect(result.rows == [[1]])
        for length in 0..<bytes.count { Self.readOrFail(Array(bytes[0..<length]), "stored, truncated to \(length)") }
    }
}

/// Damage inside the XML itself: a stored (uncompressed) package, so the parser sees every
/// flipped byte before the checksum at the end of the part catches it.
@Suite struct XLSXDamagedXMLTests {
    @Test func flipsAndSubstitutionsInStoredXML() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("stored.xlsx")
        try await XLSXTestSupport.writePackage(
            path,
            parts: XLSXTestSupport.minimalPackage(
                sheetData: XLSXSheetParserTests.sheet, sharedStrings: XLSXSheetParserTests.sharedStrings, styles: XLSXSheetParserTests.styles),
            stored: true)
        let bytes = try XLSXTestSupport.bytes(path)
        let specials: [UInt8] = [0x3C, 0x3E, 0x26, 0x22, 0x2F, 0x00, 0x3D, 0x20, 0x78, 0x31]
        for position in 0..<bytes.count {
            var flipped = bytes
            flipped[position] ^= UInt8(1 << (position % 8))
            XLSXHostileInputTests.readOrFail(flipped, "bit \(position % 8) of byte \(position) flipped")
            var substituted = bytes
            substituted[position] = specials[position % specials.count]
            XLSXHostileInputTests.readOrFail(substituted, "byte \(position) set to \(specials[position % specials.count])")
        }
    }

    /// The tokenizer alone on pseudo-random XML-ish bytes: it ends with events or a FormatError.
    @Test func tokenizerOnGarbage() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("<>/=\"'&;#x!-[]?aAbc0 \n:".utf8)
        for length in 1...400 {
            var bytes: [UInt8] = []
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            if length % 3 == 0 { bytes = Array("<r>".utf8) + bytes + Array("</r>".utf8) }
            var tokenizer = XMLPullTokenizer(source: ChunkedSource(bytes: bytes, chunk: 1 + length % 7), context: "garbage", initialCapacity: 16)
            do {
                var events = 0
                while try tokenizer.next() != .endOfDocument {
                    events += 1
                    if events > 10 * length + 10 {
                        Issue.record("more events than bytes for length \(length)")
                        break
                    }
                    if tokenizer.textNeedsDecoding {
                        var out: [UInt8] = []
                        try? tokenizer.decodeText(into: &out)
                    }
                }
            } catch is FormatError {
            } catch {
                Issue.record("length \(length): \(error)")
            }
        }
    }
}
