import SluiceFormats
import Testing

@testable import SluiceXLSX

@Suite struct XMLPullTokenizerTests {
    /// The events of `xml` as readable strings, fed `chunk` bytes at a time.
    static func events(_ xml: String, chunk: Int = 1 << 20, capacity: Int = 256 * 1024) throws -> [String] {
        var tokenizer = XMLPullTokenizer(source: ChunkedSource(bytes: Array(xml.utf8), chunk: chunk), context: "test.xml", initialCapacity: capacity)
        var out: [String] = []
        while true {
            switch try tokenizer.next() {
            case .endOfDocument:
                return out
            case .start:
                var text = "<" + String(decoding: tokenizer.bytes(tokenizer.name), as: UTF8.self)
                for attribute in tokenizer.attributes {
                    text += " \(String(decoding: tokenizer.bytes(attribute.name), as: UTF8.self))=\(try tokenizer.string(attribute))"
                }
                out.append(text + ">")
            case .end:
                out.append("</" + String(decoding: tokenizer.bytes(tokenizer.name), as: UTF8.self) + ">")
            case .text:
                var bytes: [UInt8] = []
                try tokenizer.decodeText(into: &bytes)
                out.append("'" + String(decoding: bytes, as: UTF8.self) + "'")
            }
        }
    }

    @Test func elementsAttributesAndText() throws {
        let xml = #"<?xml version="1.0"?><a x="1" y='two'><b/>text<c z="&lt;&amp;&#65;&#x42;"/></a>"#
        #expect(try Self.events(xml) == ["<a x=1 y=two>", "<b>", "</b>", "'text'", "<c z=<&AB>", "</c>", "</a>"])
    }

    @Test func namespacePrefixesAreIgnored() throws {
        let xml = #"<x:root xmlns:x="urn:x" xmlns:r="urn:r"><x:sheet r:id="rId1"/></x:root>"#
        #expect(try Self.events(xml) == ["<root x=urn:x r=urn:r>", "<sheet id=rId1>", "</sheet>", "</root>"])
    }

    @Test func entitiesCDATACommentsAndInstructions() throws {
        let xml = "<a><!-- c -- x --><?pi data?>&quot;&apos;&gt;<![CDATA[<raw&amp;>]]>&#128512;</a>"
        #expect(try Self.events(xml) == ["<a>", "'\"'>'", "'<raw&amp;>'", "'😀'", "</a>"])
    }

    @Test func lineEndsAreNormalized() throws {
        #expect(try Self.events("<a b=\"1\r\n2\t3\">x\r\ny\rz</a>") == ["<a b=1 2 3>", "'x\ny\nz'", "</a>"])
    }

    @Test func everyChunkSizeGivesTheSameEvents() throws {
        let xml = #"<?xml version="1.0" encoding="UTF-8"?><root><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1.5</v></c></row><!-- end --></root>"#
        let expected = try Self.events(xml)
        for chunk in 1...12 {
            #expect(try Self.events(xml, chunk: chunk, capacity: 16) == expected, "chunk \(chunk)")
        }
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<a/>".utf8)
        var tokenizer = XMLPullTokenizer(source: XMLMemorySource(bytes), context: "t")
        #expect(try tokenizer.next() == .start)
        #expect(try tokenizer.next() == .end)
        #expect(try tokenizer.next() == .endOfDocument)
    }

    @Test(arguments: [
        "<a><b></a>", "<a></b>", "<a>", "", "text", "<a/><b/>", "<a x=1/>", "<a x=\"1\"y=\"2\"/>", "<a>&bogus;</a>",
        "<a>&#0;</a>", "<a>&#xD800;</a>", "<a>&#x110000;</a>", "<!DOCTYPE a><a/>", "<a x=\"<\"/>", "<a", "<a><!-- x", "</a>",
        "<a><![CDATA[x</a>", "<a>&amp</a>", "<>",
    ])
    func malformedDocumentsThrowFormatErrors(_ xml: String) {
        #expect(throws: FormatError.self) { try Self.events(xml) }
    }

    @Test func errorsNameTheDocumentAndOffset() {
        do {
            _ = try Self.events("<root><a></b></root>")
            Issue.record("no error")
        } catch let error as FormatError {
            #expect(error.message.contains("test.xml"))
            #expect(error.message.contains("at byte 9"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func aTokenLongerThanTheLimitIsRefused() throws {
        // A text run longer than the buffer grows it; the limit stops an endless one.
        let long = "<a>" + String(repeating: "x", count: 100_000) + "</a>"
        #expect(try Self.events(long, chunk: 4096, capacity: 16).count == 3)
    }
}

/// Hands out `chunk` bytes per read.
struct ChunkedSource: XMLByteSource {
    let bytes: [UInt8]
    let chunk: Int
    var offset = 0

    init(bytes: [UInt8], chunk: Int) {
        self.bytes = bytes
        self.chunk = chunk
    }

    mutating func read(into space: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(space.count, chunk, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { space.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)])) }
        offset += count
        return count
    }
}
