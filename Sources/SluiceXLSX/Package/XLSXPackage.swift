import SluiceFormats

/// An XLSX file as an Open Packaging Conventions package: a zip archive of XML parts.
struct XLSXPackage {
    let input: any RandomAccessInput
    let directory: ZipDirectory

    /// Opens the archive, refusing legacy `.xls` files and anything that is not a zip.
    init(input: any RandomAccessInput) throws {
        self.input = input
        let head = try input.read(offset: 0, count: min(8, input.size))
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw FormatError("\(input.name): legacy .xls files are not supported; save the workbook as .xlsx")
        }
        do {
            directory = try ZipDirectory(input: input)
        } catch let error as FormatError {
            guard head.starts(with: [0x50, 0x4B]) else {
                throw FormatError("\(input.name): not an XLSX file (it is not a zip archive: it starts with bytes \(head.prefix(4).map { String($0, radix: 16) }.joined(separator: " ")))")
            }
            throw error
        }
    }

    /// The entry of `part` (`xl/workbook.xml`), if the package has it.
    func entry(_ part: String) -> ZipEntry? { directory.entry(named: part) }

    /// Whether the package has `part`.
    func has(_ part: String) -> Bool { entry(part) != nil }

    /// The bytes of `part`, at most ``XLSXLimits/maximumSmallPartBytes``; `nil` when absent.
    func read(_ part: String) throws -> [UInt8]? {
        guard let entry = entry(part) else { return nil }
        return try ZipEntryReader.readAll(input: input, entry: entry, limit: XLSXLimits.maximumSmallPartBytes, what: "package parts read whole")
    }

    /// A streaming reader of `part`, which must exist.
    func open(_ part: String) throws -> ZipEntryReader {
        guard let entry = entry(part) else { throw FormatError("\(input.name): the package has no part \(part)") }
        return try ZipEntryReader(input: input, entry: entry)
    }

    /// A tokenizer over `part` as it inflates.
    func tokenizer(_ part: String) throws -> XMLPullTokenizer<ZipEntryReader> {
        XMLPullTokenizer(source: try open(part), context: context(part))
    }

    /// `file: part name`, for messages.
    func context(_ part: String) -> String { "\(input.name): part \(part)" }
}
