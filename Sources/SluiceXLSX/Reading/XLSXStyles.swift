import SluiceFormats

/// The number-format kind of every cell format (`cellXfs`) of `xl/styles.xml`, by the index a
/// cell's `s` attribute gives.
struct XLSXStyles {
    private(set) var formats: [XLSXNumberFormat] = []

    /// No styles: every number is a number.
    init() {}

    init(package: XLSXPackage, part: String) throws {
        guard let bytes = try package.read(part) else { return }
        var tokenizer = XMLPullTokenizer(source: XMLMemorySource(bytes), context: package.context(part))
        var custom: [Int: XLSXNumberFormat] = [:]
        var xfIds: [Int] = []
        var inCellXfs = false
        while true {
            let event = try tokenizer.next()
            if event == .endOfDocument { break }
            if event == .end, tokenizer.nameIs("cellXfs") { inCellXfs = false }
            guard event == .start else { continue }
            if tokenizer.nameIs("numFmt") {
                guard let id = tokenizer.attribute("numFmtId"), let code = tokenizer.attribute("formatCode") else { continue }
                guard let value = Int(try tokenizer.string(id)) else { throw tokenizer.error("a numFmt with a numFmtId that is not a number") }
                custom[value] = XLSXNumberFormat.custom(try tokenizer.string(code))
            } else if tokenizer.nameIs("cellXfs") {
                inCellXfs = true
            } else if inCellXfs, tokenizer.nameIs("xf") {
                let id = try tokenizer.attribute("numFmtId").map { try tokenizer.string($0) }.flatMap { Int($0) } ?? 0
                xfIds.append(id)
                // The xf's children (alignment, protection) are not needed.
                if tokenizer.depth > 0 { try tokenizer.skipElement() }
            }
        }
        formats = xfIds.map { custom[$0] ?? XLSXNumberFormat.builtin($0) }
    }

    /// The kind of cell format `index` (a number when out of range).
    @inline(__always)
    func format(_ index: Int) -> XLSXNumberFormat {
        index >= 0 && index < formats.count ? formats[index] : .number
    }
}
