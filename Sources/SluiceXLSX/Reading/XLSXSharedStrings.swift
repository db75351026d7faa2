import SluiceFormats

/// The shared strings table (`xl/sharedStrings.xml`), held in memory while a sheet is read: all
/// strings' UTF-8 bytes in one buffer, at most ``XLSXLimits/maximumSharedStringBytes`` of them
/// and ``XLSXLimits/maximumSharedStrings`` strings. The part itself is streamed.
///
/// A string item's text is its `<t>` plus the `<t>` of each rich-text run (`<r>`) in order;
/// phonetic runs (`<rPh>`) are left out, as Excel shows them only above the text.
struct XLSXSharedStrings {
    private(set) var bytes: [UInt8] = []
    /// String `i` is `bytes[offsets[i] ..< offsets[i + 1]]` (32 bits suffice: the bytes are
    /// at most ``XLSXLimits/maximumSharedStringBytes``).
    private(set) var offsets: [UInt32] = [0]

    /// The number of strings.
    var count: Int { offsets.count - 1 }

    /// An empty table (the workbook has none).
    init() {}

    init(package: XLSXPackage, part: String) throws {
        guard package.has(part) else { return }
        var tokenizer = try package.tokenizer(part)
        var inItem = false
        var textDepth = -1
        var phoneticDepth = -1
        var raw: [UInt8] = []
        while true {
            switch try tokenizer.next() {
            case .endOfDocument:
                return
            case .start:
                if tokenizer.nameIs("si") {
                    guard !inItem else { throw tokenizer.error("a string item inside another") }
                    inItem = true
                    raw.removeAll(keepingCapacity: true)
                } else if inItem, tokenizer.nameIs("rPh") {
                    if phoneticDepth < 0 { phoneticDepth = tokenizer.depth }
                } else if inItem, phoneticDepth < 0, tokenizer.nameIs("t") {
                    textDepth = tokenizer.depth
                } else if !inItem, tokenizer.depth == 1, !tokenizer.nameIs("sst") {
                    throw tokenizer.error("the root element is not <sst>")
                }
            case .text:
                if textDepth >= 0, tokenizer.depth == textDepth { try tokenizer.decodeText(into: &raw) }
            case .end:
                if tokenizer.depth + 1 == textDepth {
                    textDepth = -1
                } else if tokenizer.depth + 1 == phoneticDepth {
                    phoneticDepth = -1
                } else if inItem, tokenizer.nameIs("si") {
                    inItem = false
                    try append(raw, tokenizer: tokenizer)
                }
            }
        }
    }

    private mutating func append(_ raw: [UInt8], tokenizer: XMLPullTokenizer<ZipEntryReader>) throws {
        try raw.withUnsafeBytes { r in
            if let bad = UTF8Check.firstInvalid(r) {
                throw tokenizer.error("string item \(count) is not valid UTF-8 (byte \(bad) of its text)")
            }
            if XLSXTextEscapes.mayContainEscape(r) {
                XLSXTextEscapes.unescape(r, into: &bytes)
            } else {
                bytes.append(contentsOf: r)
            }
        }
        guard bytes.count <= XLSXLimits.maximumSharedStringBytes else {
            throw tokenizer.error("the shared strings exceed the limit of \(XLSXLimits.maximumSharedStringBytes) bytes held in memory")
        }
        guard count < XLSXLimits.maximumSharedStrings else {
            throw tokenizer.error("more than \(XLSXLimits.maximumSharedStrings) shared strings")
        }
        offsets.append(UInt32(truncatingIfNeeded: bytes.count))
    }

    /// Calls `body` with the bytes of string `index`.
    @inline(__always)
    func withString<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = Int(offsets[index])
        let end = Int(offsets[index + 1])
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// String `index` as a String.
    func string(_ index: Int) -> String { withString(index) { String(decoding: $0, as: UTF8.self) } }
}
