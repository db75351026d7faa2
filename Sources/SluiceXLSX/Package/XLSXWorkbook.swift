import SluiceFormats

/// What the workbook part says: its sheets, in order, and its date system; and where its
/// shared strings and styles are.
struct XLSXWorkbook {
    struct Sheet {
        var name: String
        /// The part holding the sheet's cells; `nil` when the relationship is missing.
        var part: String?
        /// `worksheet`, `chartsheet`, `dialogsheet`…
        var kind: String
    }

    var sheets: [Sheet] = []
    /// Whether dates count from 1904-01-01 (`workbookPr date1904`) instead of 1899-12-30.
    var date1904 = false
    var sharedStringsPart: String?
    var stylesPart: String?
    /// The workbook part's name (`xl/workbook.xml`).
    var part: String

    /// Finds the workbook through the package relationships and reads it.
    init(package: XLSXPackage) throws {
        let root = try XLSXRelationships(package: package, sourcePart: "")
        let workbookPart = root.first(kind: "officeDocument")?.target ?? "xl/workbook.xml"
        guard package.has(workbookPart) else {
            throw FormatError("\(package.input.name): not an XLSX workbook: the package has no workbook part (\(workbookPart))")
        }
        part = workbookPart
        let rels = try XLSXRelationships(package: package, sourcePart: workbookPart)
        // Without a relationship, the parts where every writer puts them.
        let base = XLSXRelationships.directory(of: workbookPart)
        sharedStringsPart = rels.first(kind: "sharedStrings")?.target ?? (package.has(base + "sharedStrings.xml") ? base + "sharedStrings.xml" : nil)
        stylesPart = rels.first(kind: "styles")?.target ?? (package.has(base + "styles.xml") ? base + "styles.xml" : nil)
        guard let bytes = try package.read(workbookPart) else {
            throw FormatError("\(package.input.name): the package has no part \(workbookPart)")
        }
        var tokenizer = XMLPullTokenizer(source: XMLMemorySource(bytes), context: package.context(workbookPart))
        while true {
            let event = try tokenizer.next()
            if event == .endOfDocument { break }
            guard event == .start else { continue }
            if tokenizer.nameIs("workbookPr") {
                if let flag = tokenizer.attribute("date1904") {
                    let value = try tokenizer.string(flag)
                    date1904 = value == "1" || value == "true"
                }
            } else if tokenizer.nameIs("sheet") {
                guard let name = tokenizer.attribute("name") else { throw tokenizer.error("a sheet without a name") }
                let sheetName = try tokenizer.string(name)
                var sheet = Sheet(name: sheetName, part: nil, kind: "worksheet")
                if let id = tokenizer.attribute("id"), let rel = rels.relationship(id: try tokenizer.string(id)) {
                    sheet.part = rel.target
                    sheet.kind = String(rel.kind)
                }
                sheets.append(sheet)
            }
        }
        guard !sheets.isEmpty else {
            throw FormatError("\(package.context(workbookPart)): the workbook lists no sheets")
        }
    }
}
