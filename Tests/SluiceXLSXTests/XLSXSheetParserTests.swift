import Foundation
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

@testable import SluiceXLSX

/// Hand-written sheet XML (as Excel writes it: formulas with cached values, every cell type),
/// read by Sluice and by openpyxl.
@Suite struct XLSXSheetParserTests {
    static let styles = """
        <numFmts count="4"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm"/><numFmt numFmtId="165" formatCode="[h]:mm:ss"/>\
        <numFmt numFmtId="166" formatCode="&quot;Date: &quot;0"/><numFmt numFmtId="14" formatCode="0.00"/></numFmts>\
        <cellStyleXfs count="1"><xf numFmtId="22"/></cellStyleXfs>\
        <cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="15"><alignment horizontal="left"/></xf><xf numFmtId="164"/><xf numFmtId="165"/>\
        <xf numFmtId="166"/><xf numFmtId="22"/><xf numFmtId="14"/></cellXfs>
        """

    static let sharedStrings = """
        <si><t>plain</t></si>\
        <si><r><rPr><b/></rPr><t>rich</t></r><r><t xml:space="preserve"> runs</t></r></si>\
        <si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>\
        <si><t>a &amp; b &lt; c &#x263A;</t></si>\
        <si><t/></si>\
        <si><t><![CDATA[<cdata & more>]]></t></si>
        """

    static let sheet = """
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>C</t></is></c>\
        <c r="D1" t="str"><v>D</v></c><c r="E1" t="s"><v>2</v></c><c r="F1" t="s"><v>3</v></c></row>
        <row r="2" spans="1:6"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2" t="str"><f>"x"&amp;"y"</f><v>xy</v></c>\
        <c r="C2" t="b"><f>TRUE()</f><v>1</v></c><c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="E2" s="1"><v>45000</v></c>\
        <c r="F2" s="2"><v>45000.75</v></c></row>
        <!-- a comment between rows -->
        <row r="4"><c><v>3.5</v></c><c t="inlineStr"><is><r><t>in</t></r><r><rPr><i/></rPr><t>line</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c>\
        <c t="b"><v>0</v></c><c s="3"><v>1.5</v></c><c s="4"><v>7</v></c><c s="5"><v>0.25</v></c></row>
        <row><c r="A5" t="s"><v>4</v></c><c r="B5" t="s"><v>5</v></c><c r="C5"><f>SUM(A1:A4)</f></c>\
        <c r="D5" s="6"><v>12345</v></c><c r="E5" t="e"><v>#N/A</v></c><c r="F5"><v>-1.5E-3</v></c></row>
        <row r="6"><c r="A6" s="0"/><c r="B6" t="s"/></row>
        <row r="7"><c r="F7"><v>  42  </v></c></row>
        """

    static func package(_ dir: TemporaryDirectory, name: String = "hand.xlsx", workbookPr: String = "") async throws -> String {
        let path = dir.file(name)
        try await XLSXTestSupport.writePackage(
            path,
            parts: XLSXTestSupport.minimalPackage(
                sheetData: sheet, sharedStrings: sharedStrings, styles: styles, workbookPr: workbookPr,
                sheetExtra: #"<dimension ref="A1:F7"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>"#))
        return path
    }

    @Test func matchesOpenpyxlWithCachedValues() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try await Self.package(dir)
        try await XLSXTestSupport.expectMatchesOracle(path, errorCells: ["D2", "E5"])
        let mac = try await Self.package(dir, name: "mac.xlsx", workbookPr: #"<workbookPr date1904="1"/>"#)
        try await XLSXTestSupport.expectMatchesOracle(mac, errorCells: ["D2", "E5"])
        try await XLSXTestSupport.expectMatchesOracle(path, options: XLSXReadOptions(header: false), errorCells: ["D2", "E5"])
        try await XLSXTestSupport.expectMatchesOracle(path, options: XLSXReadOptions(skipEmptyRows: false), errorCells: ["D2", "E5"])
    }

    @Test func exactValues() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try XLSXTestSupport.readAll(LocalFileInput(path: try await Self.package(dir)))
        #expect(result.fields == ["plain", "rich runs", "C", "D", "漢字", "a & b < c ☺"])
        let t = { (s: String) in Value.timestamp(Timestamp(iso8601: s)!) }
        XLSXTestSupport.expectSameRows(
            result.rows,
            [
                [2, "xy", true, nil, t("2023-03-15"), t("2023-03-15T18:00:00Z")],
                [3.5, "inline", false, "36:00:00", 7, "06:00:00"],
                ["", "<cdata & more>", nil, 12345, nil, -0.0015],
                [nil, nil, nil, nil, nil, 42],
            ])
        #expect(result.positions == [2, 4, 5, 7])
    }

    @Test func customFormatOverridesABuiltinId() async throws {
        // numFmtId 14 is redefined as "0.00" above: D5 (style 6) stays a number.
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try XLSXTestSupport.readAll(LocalFileInput(path: try await Self.package(dir)))
        #expect(result.rows[2][3] == 12345)
    }

    @Test func officeEscapesAreUndone() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("escapes.xlsx")
        try await XLSXTestSupport.writePackage(
            path,
            parts: XLSXTestSupport.minimalPackage(
                sheetData: """
                    <row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>\
                    <row r="2"><c r="A2" t="s"><v>0</v></c></row>\
                    <row r="3"><c r="A3" t="inlineStr"><is><t>a_x000D__x000A_b _x005F_x0041_ _xD83D__xDE00_ _x12_</t></is></c></row>\
                    <row r="4"><c r="A4" t="d"><v>2024-05-06T07:08:09.5</v></c></row>
                    """, sharedStrings: "<si><t>tab_x0009_here</t></si>"))
        let result = try XLSXTestSupport.readAll(LocalFileInput(path: path))
        #expect(result.rows == [["tab\there"], ["a\r\nb _x0041_ 😀 _x12_"], [.timestamp(Timestamp(iso8601: "2024-05-06T07:08:09.500Z")!)]])
    }

    @Test func eastAsianBuiltinDateFormats() async throws {
        // Formats 27–36 and 50–58 are dates (openpyxl does not know them).
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("ea.xlsx")
        try await XLSXTestSupport.writePackage(
            path,
            parts: XLSXTestSupport.minimalPackage(
                sheetData: #"<row r="1"><c r="A1" t="inlineStr"><is><t>d</t></is></c></row><row r="2"><c r="A2" s="1"><v>45000</v></c></row><row r="3"><c r="A3" s="2"><v>45000</v></c></row>"#,
                styles: #"<cellXfs><xf numFmtId="0"/><xf numFmtId="30"/><xf numFmtId="57"/></cellXfs>"#))
        let result = try XLSXTestSupport.readAll(LocalFileInput(path: path))
        let date = Value.timestamp(Timestamp(iso8601: "2023-03-15")!)
        #expect(result.rows == [[date], [date]])
    }
}

extension XLSXSheetParserTests {
    @Test func partsWithoutRelationshipsAreFoundWhereWritersPutThem() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("norels.xlsx")
        let parts = XLSXTestSupport.minimalPackage(
            sheetData: #"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" s="1"><v>45000</v></c></row>"#,
            sharedStrings: "<si><t>when</t></si>", styles: #"<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>"#
        ).map { name, text in
            (name, name == "xl/_rels/workbook.xml.rels" ? text.replacingOccurrences(of: #"<Relationship Id="rId2""#, with: #"<Other Id="rId2""#).replacingOccurrences(of: #"<Relationship Id="rId3""#, with: #"<Other Id="rId3""#) : text)
        }
        try await XLSXTestSupport.writePackage(path, parts: parts)
        let result = try XLSXTestSupport.readAll(LocalFileInput(path: path))
        #expect(result.fields == ["when"])
        #expect(result.rows == [[.timestamp(Timestamp(iso8601: "2023-03-15")!)]])
    }
}
