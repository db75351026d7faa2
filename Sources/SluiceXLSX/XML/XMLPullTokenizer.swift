// A minimal XML pull tokenizer over bytes, written here because no Swift package fits:
// FoundationXML's XMLParser is push-based (it calls a delegate for everything, so a reader
// cannot stop after one batch of rows) and makes a String for every name, attribute and text
// run, which is far too slow for sheets of millions of cells. This one hands out byte ranges
// of its own buffer and makes no allocation per token.
//
// It covers what Office Open XML parts use: elements, attributes, text, the five predefined
// entities and numeric character references, CDATA, comments and processing instructions.
// Namespace prefixes are ignored (names compare by their local part). A DOCTYPE is refused:
// package parts never have one, and skipping it safely would mean parsing DTD syntax.
import SluiceFormats

/// One attribute of the current start tag: byte ranges in the tokenizer's buffer.
struct XMLAttribute {
    /// The local name (after any `prefix:`).
    var name: Range<Int>
    /// The raw value, between the quotes.
    var value: Range<Int>
    /// Whether the value holds `&` or a character that normalization changes.
    var needsDecoding: Bool
}

/// What ``XMLPullTokenizer/next()`` found.
enum XMLEvent {
    /// A start tag (`name`, `attributes`); a self-closing tag is followed by its `.end`.
    case start
    /// An end tag (`name`).
    case end
    /// Character data or a CDATA section (`text`).
    case text
    /// The end of the document (the root element has closed).
    case endOfDocument
}

/// Pulls tokens from a source of bytes. Ranges it hands out are valid until the next call to
/// ``next()``.
struct XMLPullTokenizer<Source: XMLByteSource> {
    /// The most bytes one token (a tag, a text run, a comment) may take.
    static var maximumTokenBytes: Int { 64 << 20 }

    private(set) var source: Source
    private let buffer: XMLBuffer
    /// Valid bytes are `start ..< end` of the buffer.
    private var start = 0
    private var end = 0
    /// The document offset of buffer index 0.
    private var shifted = 0
    private var sourceEnded = false
    /// Hashes of the open elements' qualified names, innermost last.
    private var open: [UInt64] = []
    private var rootClosed = false
    private var pendingEnd = false
    /// Whether the byte order mark at the very start was looked for.
    private var checkedStart = false
    /// Names the document in messages: `file: part xl/worksheets/sheet1.xml`.
    let context: String

    /// The current element's local name.
    private(set) var name: Range<Int> = 0..<0
    /// The current start tag's attributes.
    private(set) var attributes: [XMLAttribute] = []
    /// The current text.
    private(set) var text: Range<Int> = 0..<0
    /// Whether the current text needs ``decodeText(into:)`` (entities, carriage returns).
    private(set) var textNeedsDecoding = false
    /// Whether the current text came from CDATA (no entities to decode).
    private(set) var textIsCDATA = false
    /// The document offset where the current token starts.
    private(set) var tokenOffset = 0

    init(source: Source, context: String, initialCapacity: Int = 256 * 1024) {
        self.source = source
        self.context = context
        buffer = XMLBuffer(capacity: initialCapacity)
    }

    /// The number of open elements.
    var depth: Int { open.count }

    /// The bytes the tokenizer's buffer holds room for (it grows only for a token longer than it).
    var bufferCapacity: Int { buffer.capacity }

    /// The raw bytes of `range`.
    @inline(__always)
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: buffer.base + range.lowerBound, count: range.count)
    }

    /// Whether the current name is `literal` (ASCII).
    @inline(__always)
    func nameIs(_ literal: StaticString) -> Bool { equals(name, literal) }

    /// Whether the bytes of `range` are `literal`.
    @inline(__always)
    func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        return memcmpEqual(buffer.base + range.lowerBound, literal.utf8Start, range.count)
    }

    /// The attribute of the current start tag whose local name is `literal`.
    func attribute(_ literal: StaticString) -> XMLAttribute? {
        for attribute in attributes where equals(attribute.name, literal) { return attribute }
        return nil
    }

    /// A failure at the current token.
    func error(_ what: String) -> FormatError {
        FormatError("\(context): \(what) (at byte \(tokenOffset))")
    }

    /// The next token.
    mutating func next() throws -> XMLEvent {
        if pendingEnd {
            pendingEnd = false
            return try closeElement(hash: open.last ?? 0)
        }
        while true {
            if start == end {
                guard try fill() else {
                    tokenOffset = shifted + start
                    guard rootClosed else {
                        throw error(open.isEmpty ? "the document has no root element" : "the document ends inside an open element")
                    }
                    return .endOfDocument
                }
            }
            tokenOffset = shifted + start
            let p = buffer.base
            if p[start] == UInt8(ascii: "<") {
                if let event = try markup() { return event }
                continue
            }
            // Character data up to the next `<`.
            var scanFrom = start
            while true {
                if let lt = find(UInt8(ascii: "<"), from: scanFrom) {
                    text = start..<lt
                    start = lt
                    break
                }
                if sourceEnded {
                    text = start..<end
                    start = end
                    break
                }
                let scanned = end - start
                _ = try fill()
                scanFrom = start + scanned
            }
            textIsCDATA = false
            textNeedsDecoding = scanNeedsDecoding(text)
            if open.isEmpty {
                guard isWhitespace(text) else { throw error("text outside the root element") }
                continue
            }
            return .text
        }
    }

    /// Skips the rest of the current element (after its start tag) through its end tag.
    mutating func skipElement() throws {
        let target = open.count - 1
        while true {
            let event = try next()
            if event == .end, open.count == target { return }
            if event == .endOfDocument { return }
        }
    }

    // MARK: - Markup

    /// Parses the markup at `start` (`<`); `nil` when it was skipped (a comment, a processing
    /// instruction). Refills and retries when the markup is not all in the buffer yet.
    private mutating func markup() throws -> XMLEvent? {
        while true {
            switch try markupInBuffer() {
            case .event(let event): return event
            case .skipped: return nil
            case .needMore:
                guard try fill() else { throw error("the document ends inside markup") }
            }
        }
    }

    /// What parsing markup in the buffer gave.
    private enum Markup {
        case event(XMLEvent)
        case skipped
        /// The markup runs past the bytes in the buffer.
        case needMore
    }

    private mutating func markupInBuffer() throws -> Markup {
        let p = buffer.base
        guard end - start >= 2 else { return .needMore }
        switch p[start + 1] {
        case UInt8(ascii: "/"):
            return try endTag().map { .event($0) } ?? .needMore
        case UInt8(ascii: "?"):
            guard let close = findSequence(UInt8(ascii: "?"), UInt8(ascii: ">"), from: start + 2) else { return .needMore }
            start = close + 2
            return .skipped
        case UInt8(ascii: "!"):
            return try declaration()
        default:
            return try startTag().map { .event($0) } ?? .needMore
        }
    }

    /// `<!--…-->`, `<![CDATA[…]]>` or a refused `<!DOCTYPE`.
    private mutating func declaration() throws -> Markup {
        let p = buffer.base
        guard end - start >= 4 else { return .needMore }
        if p[start + 2] == UInt8(ascii: "-") && p[start + 3] == UInt8(ascii: "-") {
            var from = start + 4
            while true {
                guard let dash = findSequence(UInt8(ascii: "-"), UInt8(ascii: "-"), from: from) else { return .needMore }
                guard dash + 2 < end else { return .needMore }
                if p[dash + 2] == UInt8(ascii: ">") {
                    start = dash + 3
                    return .skipped
                }
                from = dash + 1
            }
        }
        guard end - start >= 9 else { return .needMore }
        if memcmpEqual(p + start, ("<![CDATA[" as StaticString).utf8Start, 9) {
            guard !open.isEmpty else { throw error("CDATA outside the root element") }
            var from = start + 9
            while true {
                guard let close = findSequence(UInt8(ascii: "]"), UInt8(ascii: "]"), from: from) else { return .needMore }
                guard close + 2 < end else { return .needMore }
                if p[close + 2] == UInt8(ascii: ">") {
                    text = (start + 9)..<close
                    textIsCDATA = true
                    textNeedsDecoding = find(0x0D, in: text)
                    start = close + 3
                    return .event(.text)
                }
                from = close + 1
            }
        }
        if memcmpEqual(p + start, ("<!DOCTYPE" as StaticString).utf8Start, 9) {
            throw error("a DOCTYPE declaration, which package parts never have")
        }
        throw error("malformed markup after `<!`")
    }

    /// `</name>`.
    private mutating func endTag() throws -> XMLEvent? {
        let p = buffer.base
        var i = start + 2
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var localStart = i
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: ">") || isSpace(b) { break }
            if b == UInt8(ascii: ":") { localStart = i + 1 }
            hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3
            i += 1
        }
        guard i < end else { return nil }
        guard i > start + 2 else { throw error("an end tag without a name") }
        let nameRange = localStart..<i
        while i < end, isSpace(p[i]) { i += 1 }
        guard i < end else { return nil }
        guard p[i] == UInt8(ascii: ">") else { throw error("malformed end tag") }
        name = nameRange
        start = i + 1
        return try closeElement(hash: hash)
    }

    private mutating func closeElement(hash: UInt64) throws -> XMLEvent {
        guard let top = open.last else { throw error("an end tag with no open element") }
        guard top == hash else { throw error("the end tag </\(String(decoding: bytes(name), as: UTF8.self))> does not match the open element") }
        open.removeLast()
        if open.isEmpty { rootClosed = true }
        return .end
    }

    /// `<name attr="value" …>` or `<name …/>`.
    private mutating func startTag() throws -> XMLEvent? {
        let p = buffer.base
        var i = start + 1
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var localStart = i
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: ">") || b == UInt8(ascii: "/") || isSpace(b) { break }
            if b == UInt8(ascii: ":") { localStart = i + 1 }
            if b == UInt8(ascii: "<") || b == UInt8(ascii: "=") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                throw error("malformed start tag")
            }
            hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3
            i += 1
        }
        guard i < end else { return nil }
        guard i > start + 1, localStart < i else { throw error("a start tag without a name") }
        let nameRange = localStart..<i
        attributes.removeAll(keepingCapacity: true)
        var selfClosing = false
        while true {
            while i < end, isSpace(p[i]) { i += 1 }
            guard i < end else { return nil }
            let b = p[i]
            if b == UInt8(ascii: ">") {
                i += 1
                break
            }
            if b == UInt8(ascii: "/") {
                guard i + 1 < end else { return nil }
                guard p[i + 1] == UInt8(ascii: ">") else { throw error("malformed start tag") }
                selfClosing = true
                i += 2
                break
            }
            // An attribute: name, `=`, quoted value.
            var attrLocal = i
            let attrStart = i
            while i < end {
                let c = p[i]
                if c == UInt8(ascii: "=") || isSpace(c) { break }
                if c == UInt8(ascii: ">") || c == UInt8(ascii: "/") || c == UInt8(ascii: "<") || c == UInt8(ascii: "\"")
                    || c == UInt8(ascii: "'")
                {
                    throw error("malformed attribute in a start tag")
                }
                if c == UInt8(ascii: ":") { attrLocal = i + 1 }
                i += 1
            }
            guard i < end else { return nil }
            guard i > attrStart else { throw error("malformed attribute in a start tag") }
            let attrName = attrLocal..<i
            while i < end, isSpace(p[i]) { i += 1 }
            guard i < end else { return nil }
            guard p[i] == UInt8(ascii: "=") else { throw error("an attribute without a value") }
            i += 1
            while i < end, isSpace(p[i]) { i += 1 }
            guard i < end else { return nil }
            let quote = p[i]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw error("an attribute value without quotes") }
            guard let close = find(quote, from: i + 1) else { return nil }
            let value = (i + 1)..<close
            if find(UInt8(ascii: "<"), in: value) { throw error("`<` inside an attribute value") }
            attributes.append(XMLAttribute(name: attrName, value: value, needsDecoding: scanNeedsDecoding(value, attribute: true)))
            i = close + 1
            guard i < end else { return nil }
            let after = p[i]
            guard isSpace(after) || after == UInt8(ascii: ">") || after == UInt8(ascii: "/") else {
                throw error("attributes must be separated by white space")
            }
        }
        if open.isEmpty, rootClosed { throw error("a second root element") }
        guard open.count < 10_000 else { throw error("elements nested more than 10000 deep") }
        name = nameRange
        open.append(hash)
        start = i
        pendingEnd = selfClosing
        return .start
    }

    // MARK: - Buffer

    /// Keeps the bytes from `start` on and reads more after them, growing the buffer when it
    /// is full. Returns `false` when the source has ended and nothing was added.
    private mutating func fill() throws -> Bool {
        guard !sourceEnded else { return false }
        if start > 0 {
            buffer.compact(from: start, to: end)
            shifted += start
            end -= start
            start = 0
        }
        if end == buffer.capacity {
            guard buffer.grow(keeping: end, limit: Self.maximumTokenBytes) else {
                throw error("a single token longer than \(Self.maximumTokenBytes) bytes")
            }
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer.base + end, count: buffer.capacity - end))
        if n == 0 {
            sourceEnded = true
            return false
        }
        end += n
        if shifted == 0, !checkedStart {
            checkedStart = true
            let p = buffer.base
            if end >= 2, (p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE) {
                throw FormatError("\(context): the part is UTF-16, which is not supported (only UTF-8)")
            }
            if end >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { start = 3 }
        }
        return true
    }

    // MARK: - Scanning

    @inline(__always)
    private func find(_ byte: UInt8, from: Int) -> Int? {
        guard from < end else { return nil }
        guard let hit = memchr(buffer.base + from, Int32(byte), end - from) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(buffer.base)
    }

    @inline(__always)
    private func find(_ byte: UInt8, in range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        return memchr(buffer.base + range.lowerBound, Int32(byte), range.count) != nil
    }

    /// The index of the first `a` followed by `b`, at or after `from`.
    private func findSequence(_ a: UInt8, _ b: UInt8, from: Int) -> Int? {
        var i = from
        while let hit = find(a, from: i) {
            guard hit + 1 < end else { return nil }
            if buffer.base[hit + 1] == b { return hit }
            i = hit + 1
        }
        return nil
    }

    private func scanNeedsDecoding(_ range: Range<Int>, attribute: Bool = false) -> Bool {
        let p = buffer.base
        for i in range {
            let b = p[i]
            if b == UInt8(ascii: "&") || b == 0x0D { return true }
            if attribute, b == 0x09 || b == 0x0A { return true }
        }
        return false
    }

    private func isWhitespace(_ range: Range<Int>) -> Bool {
        let p = buffer.base
        for i in range where !isSpace(p[i]) { return false }
        return true
    }
}

@inline(__always)
func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    memcmp(a, b, count) == 0
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
