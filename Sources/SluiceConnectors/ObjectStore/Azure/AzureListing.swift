// Written for Sluice: the package mirror has no Azure SDK (and this target no XML parser), so
// the few XML documents of the Blob Storage REST API that Sluice reads (a List Blobs page and
// an error) are picked apart here by a small extractor; the requests themselves go over
// AsyncHTTPClient, signed with swift-crypto.

/// A minimal reader of the XML that Blob Storage answers with: the text of named elements,
/// their `Encoded` attribute, and entity decoding. It is not a general XML parser: it finds
/// `<Name …>text</Name>` and `<Name …/>` pairs (no nesting of the same name, no CDATA, no
/// comments), which is all the List Blobs and error documents hold. It works on the bytes,
/// in one forward pass per element name, so a page of 5,000 blobs reads in linear time.
enum AzureXML {
    /// One element found, as byte ranges of the document: its attributes' raw text (between
    /// the name and `>`) and its raw content between the tags (empty for `<Name/>`).
    struct Element {
        var attributes: Range<Int>
        var content: Range<Int>
    }

    /// Every element called `name` within `range` of `bytes`, in document order; nil when
    /// one is not closed.
    static func elements(_ name: String, in bytes: [UInt8], within range: Range<Int>) -> [Element]? {
        let open = Array("<\(name)".utf8)
        let close = Array("</\(name)>".utf8)
        var found: [Element] = []
        var position = range.lowerBound
        while let start = find(open, in: bytes, from: position, to: range.upperBound) {
            let afterName = start + open.count
            guard afterName < range.upperBound else { return nil }
            // `<Name` must not be the start of a longer name (`<NameX>`).
            switch bytes[afterName] {
            case UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                break
            default:
                position = afterName
                continue
            }
            guard let tagEnd = find([UInt8(ascii: ">")], in: bytes, from: afterName, to: range.upperBound) else { return nil }
            if tagEnd > afterName, bytes[tagEnd - 1] == UInt8(ascii: "/") {
                found.append(Element(attributes: afterName..<(tagEnd - 1), content: (tagEnd + 1)..<(tagEnd + 1)))
                position = tagEnd + 1
                continue
            }
            guard let end = find(close, in: bytes, from: tagEnd + 1, to: range.upperBound) else { return nil }
            found.append(Element(attributes: afterName..<tagEnd, content: (tagEnd + 1)..<end))
            position = end + close.count
        }
        return found
    }

    /// The decoded text of the first element called `name` within `range`, or nil when there
    /// is none (or its text has an unknown entity).
    static func text(_ name: String, in bytes: [UInt8], within range: Range<Int>) -> String? {
        guard let element = elements(name, in: bytes, within: range)?.first else { return nil }
        return decode(bytes[element.content])
    }

    /// The first index at or after `from` (and before `end`) where `needle` starts.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int, to end: Int) -> Int? {
        guard let first = needle.first, end - from >= needle.count else { return nil }
        var index = from
        let last = end - needle.count
        while index <= last {
            if bytes[index] == first {
                var matched = 1
                while matched < needle.count, bytes[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    /// `text` (UTF-8) with the XML entities (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and
    /// numeric character references) replaced; nil when an entity is unknown or unterminated.
    static func decode(_ text: ArraySlice<UInt8>) -> String? {
        guard text.contains(UInt8(ascii: "&")) else { return String(decoding: text, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            guard byte == UInt8(ascii: "&") else {
                out.append(byte)
                index += 1
                continue
            }
            guard let semicolon = text[index...].firstIndex(of: UInt8(ascii: ";")) else { return nil }
            let entity = String(decoding: text[(index + 1)..<semicolon], as: UTF8.self)
            switch entity {
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "amp": out.append(UInt8(ascii: "&"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                guard entity.hasPrefix("#") else { return nil }
                let digits = entity.dropFirst()
                let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                guard let value, let scalar = Unicode.Scalar(value) else { return nil }
                out += Array(String(Character(scalar)).utf8)
            }
            index = semicolon + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` with `%XX` escapes turned back into bytes, read as UTF-8 (a blob name the
    /// listing sends with `Encoded="true"` because it holds characters XML cannot carry);
    /// nil when an escape or the UTF-8 is broken.
    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// One page of a List Blobs answer: its blobs and the marker of the next page.
struct AzureListingPage: Sendable, Equatable {
    /// The blobs of the page, in the order the service sent them (directories of accounts
    /// with a hierarchical namespace left out).
    var blobs: [ObjectInfo]
    /// The `marker` of the next page; nil on the last one.
    var nextMarker: String?

    init(blobs: [ObjectInfo], nextMarker: String?) {
        self.blobs = blobs
        self.nextMarker = nextMarker
    }

    /// Reads a List Blobs answer (`<EnumerationResults>`): each `<Blob>`'s `<Name>` (percent-
    /// decoded when `Encoded="true"`), `<Content-Length>`, `<Etag>` (quoted, as `ETag` headers
    /// carry it, so that a listing's version can be used in `If-Match`) and `<Last-Modified>`,
    /// and `<NextMarker>`. Throws a description of what is wrong when the document is not one.
    init(xml bytes: [UInt8]) throws(ListingError) {
        let all = 0..<bytes.count
        guard AzureXML.find(Array("<EnumerationResults".utf8), in: bytes, from: 0, to: bytes.count) != nil else {
            throw ListingError("the answer is not a blob listing (no <EnumerationResults>)")
        }
        guard let blobs = AzureXML.elements("Blob", in: bytes, within: all) else { throw ListingError("a <Blob> element is not closed") }
        var infos: [ObjectInfo] = []
        infos.reserveCapacity(blobs.count)
        for blob in blobs {
            guard let nameElement = AzureXML.elements("Name", in: bytes, within: blob.content)?.first,
                var name = AzureXML.decode(bytes[nameElement.content])
            else {
                throw ListingError("a <Blob> has no readable <Name>")
            }
            let attributes = bytes[nameElement.attributes]
            if AzureXML.find(Array("Encoded=\"true\"".utf8), in: Array(attributes), from: 0, to: attributes.count) != nil {
                guard let decoded = AzureXML.percentDecoded(name) else { throw ListingError("the encoded blob name '\(name)' is not valid") }
                name = decoded
            }
            guard let properties = AzureXML.elements("Properties", in: bytes, within: blob.content)?.first?.content else {
                throw ListingError("the blob '\(name)' has no <Properties>")
            }
            // Accounts with a hierarchical namespace list their directories as blobs too.
            if AzureXML.text("ResourceType", in: bytes, within: properties) == "directory" { continue }
            guard let sizeText = AzureXML.text("Content-Length", in: bytes, within: properties), let size = Int(sizeText), size >= 0 else {
                throw ListingError("the blob '\(name)' has no valid <Content-Length>")
            }
            let etag = AzureXML.text("Etag", in: bytes, within: properties).map { $0.hasPrefix("\"") ? $0 : "\"\($0)\"" }
            let modified = AzureXML.text("Last-Modified", in: bytes, within: properties)
            infos.append(ObjectInfo(key: name, size: size, etag: etag, lastModified: modified))
        }
        self.blobs = infos
        // The last <NextMarker> is the document's own (blobs never hold one).
        let marker = AzureXML.elements("NextMarker", in: bytes, within: all)?.last.flatMap { AzureXML.decode(bytes[$0.content]) }
        self.nextMarker = marker?.isEmpty == false ? marker : nil
    }

    /// What is wrong with a listing document.
    struct ListingError: Error, Sendable, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// The `<Code>` and `<Message>` of an error answer (`<Error><Code>BlobNotFound</Code>…`).
struct AzureErrorDocument: Sendable, Equatable {
    var code: String?
    /// The message's first line (the service adds lines with the request id and time).
    var message: String?
}

extension AzureErrorDocument {
    /// Reads an error answer's body; fields it lacks are nil (a HEAD answer has no body).
    init(xml bytes: [UInt8]) {
        let head = Array(bytes.prefix(16_384))
        let all = 0..<head.count
        code = AzureXML.text("Code", in: head, within: all)
        message = AzureXML.text("Message", in: head, within: all)?.split(whereSeparator: \.isNewline).first.map(String.init)
    }
}
