/// The fixed parts of a written workbook: content types, relationships, the workbook with its
/// sheet list, and a stylesheet with the formats cells refer to (0 general, 1 date
/// `yyyy-mm-dd`, 2 date-time `yyyy-mm-dd hh:mm:ss`, 3 bold for the header row).
enum XLSXPackageParts {
    static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static func contentTypes(sheetCount: Int) -> [UInt8] {
        var xml = declaration
        xml += #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        xml += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        xml += #"<Default Extension="xml" ContentType="application/xml"/>"#
        xml += #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        for i in 1...max(1, sheetCount) {
            xml += #"<Override PartName="/xl/worksheets/sheet\#(i).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        xml += #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        xml += "</Types>"
        return Array(xml.utf8)
    }

    static let packageRelationships: [UInt8] = Array(
        (declaration + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
            + "</Relationships>").utf8)

    static func workbook(sheetNames: [String]) -> [UInt8] {
        var xml = declaration
        xml += #"<workbook xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)">"#
        xml += #"<bookViews><workbookView/></bookViews><sheets>"#
        for (i, name) in sheetNames.enumerated() {
            xml += #"<sheet name="\#(attributeEscaped(name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }
        xml += "</sheets></workbook>"
        return Array(xml.utf8)
    }

    static func workbookRelationships(sheetCount: Int) -> [UInt8] {
        var xml = declaration
        xml += #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in 1...max(1, sheetCount) {
            xml += #"<Relationship Id="rId\#(i)" Type="\#(relationshipNamespace)/worksheet" Target="worksheets/sheet\#(i).xml"/>"#
        }
        xml += #"<Relationship Id="rId\#(max(1, sheetCount) + 1)" Type="\#(relationshipNamespace)/styles" Target="styles.xml"/>"#
        xml += "</Relationships>"
        return Array(xml.utf8)
    }

    static let styles: [UInt8] = Array(
        (declaration + #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            + #"<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>"#
            + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#
            + #"<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>"#
            + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
            + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
            + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
            + #"<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
            + #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
            + #"<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
            + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>"#
            + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
            + "</styleSheet>").utf8)

    /// The start of a worksheet part, up to `<sheetData>`; with a header, the pane is frozen
    /// below row 1.
    static func sheetStart(frozenHeader: Bool) -> [UInt8] {
        var xml = declaration
        xml += #"<worksheet xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)">"#
        if frozenHeader {
            xml += #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#
        }
        xml += "<sheetData>"
        return Array(xml.utf8)
    }

    static let sheetEnd: [UInt8] = Array("</sheetData></worksheet>".utf8)

    /// `text` escaped for an attribute value in double quotes.
    static func attributeEscaped(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
