import SluiceConnectors
import Testing

/// The event-stream parser against the WHATWG rules, fed the same stream in every chunking.
@Suite struct EventStreamParserTests {
    /// A stream with every rule in it: a byte order mark, comments, `retry` (and two that are
    /// ignored), multi-line data, an `id` without data, CR-only, LF and CRLF line ends, a
    /// `data:` without its space, a field without a colon, an `id` holding a NUL (ignored), an
    /// unknown field and an event left open at the end.
    static let stream: [UInt8] = Array(
        ("\u{FEFF}: a comment\n"
            + "retry: 1500\n"
            + "retry: 15x\n"
            + "retry:\n\n"
            + "id: 1\n"
            + "event: order\n"
            + "data: {\"a\":\n"
            + "data:  1}\n\n"
            + "id: 2\n\n"
            + "data:{\"b\":2}\r\r"
            + "data\n\n"
            + "id: 3\rdata: x\r\n\r\n"
            + "id: 4\u{0}5\n"
            + "event: e\ndata: y\nunknown: z\n:comment: data: no\n\n"
            + "event: late\n: \u{FEFF} is data here\ndata: \u{FEFF}z\n\n"
            + "id: 9\ndata: incomplete").utf8)

    static let expected: [ServerSentEvent] = [
        ServerSentEvent(type: "order", data: Array("{\"a\":\n 1}".utf8), id: "1"),
        ServerSentEvent(type: "message", data: Array("{\"b\":2}".utf8), id: "2"),
        ServerSentEvent(type: "message", data: [], id: "2"),
        ServerSentEvent(type: "message", data: Array("x".utf8), id: "3"),
        ServerSentEvent(type: "e", data: Array("y".utf8), id: "3"),
        ServerSentEvent(type: "late", data: Array("\u{FEFF}z".utf8), id: "3"),
    ]

    static func parse(_ chunks: [ArraySlice<UInt8>]) -> (events: [ServerSentEvent], parser: EventStreamParser) {
        var parser = EventStreamParser()
        var events: [ServerSentEvent] = []
        for chunk in chunks { events += parser.feed(chunk) }
        parser.finish()
        return (events, parser)
    }

    @Test func theWholeStreamAtOnce() {
        let (events, parser) = Self.parse([Self.stream[...]])
        #expect(events == Self.expected)
        #expect(parser.reconnectionTime == 1500)
        #expect(parser.lastEventId == "3")  // `id: 9` never reached an empty line
    }

    @Test func everySplitIntoTwoAndThreeChunksGivesTheSameEvents() {
        let stream = Self.stream
        var mismatches: [String] = []
        for cut in 0...stream.count {
            let (events, parser) = Self.parse([stream[..<cut], stream[cut...]])
            if events != Self.expected || parser.reconnectionTime != 1500 || parser.lastEventId != "3" { mismatches.append("cut at \(cut)") }
        }
        for first in stride(from: 0, through: stream.count, by: 3) {
            for second in first...stream.count {
                let (events, _) = Self.parse([stream[..<first], stream[first..<second], stream[second...]])
                if events != Self.expected { mismatches.append("cuts at \(first), \(second)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func byteByByte() {
        let (events, parser) = Self.parse(Self.stream.indices.map { Self.stream[$0...$0] })
        #expect(events == Self.expected)
        #expect(parser.lastEventId == "3")
    }

    @Test func aCarriageReturnAtAChunkEndThenALineFeedIsOneLineEnd() {
        var parser = EventStreamParser()
        var events = parser.feed(Array("data: a\r".utf8))
        events += parser.feed(Array("\ndata: b\r".utf8))
        events += parser.feed(Array("\n\r\n".utf8))
        #expect(events == [ServerSentEvent(type: "message", data: Array("a\nb".utf8), id: "")])
    }

    @Test func onlyTheFirstByteOrderMarkIsSkippedAndAPartialOneIsText() {
        var parser = EventStreamParser()
        let events = parser.feed(Array("\u{FEFF}\u{FEFF}data: 1\n\n".utf8))
        // The second mark starts the line, so the field is named "\u{FEFF}data" and ignored.
        #expect(events == [])
        var partial = EventStreamParser()
        let rest = partial.feed([0xEF, 0xBB] + Array("data: 2\n\n".utf8))
        #expect(rest == [])  // the field's name starts with the two stray bytes
        var plain = EventStreamParser()
        #expect(plain.feed(Array("data: 3\n\n".utf8)) == [ServerSentEvent(type: "message", data: Array("3".utf8), id: "")])
    }

    @Test func theLastEventIdCarriesOverAndAnEmptyIdClearsIt() {
        var parser = EventStreamParser(lastEventId: "41")
        var events = parser.feed(Array("data: a\n\nid\ndata: b\n\n".utf8))
        #expect(events.map(\.id) == ["41", ""])
        events = parser.feed(Array("id: 7\n\n".utf8))
        #expect(events == [])
        #expect(parser.lastEventId == "7")
    }

    @Test func anEventPastTheLimitIsReportedWithoutItsData() {
        var parser = EventStreamParser(maxEventBytes: 8)
        let events = parser.feed(Array("id: big\ndata: 12345\ndata: 6789\n\ndata: 12345678\n\n".utf8))
        #expect(
            events == [
                ServerSentEvent(type: "message", data: [], id: "big", tooLarge: true),
                ServerSentEvent(type: "message", data: Array("12345678".utf8), id: "big"),
            ])
        var long = EventStreamParser(maxEventBytes: 4)
        let lines = long.feed(Array(("data: " + String(repeating: "x", count: 100) + "\n\ndata: ok\n\n").utf8))
        #expect(lines.map(\.tooLarge) == [true, false])
        #expect(lines.last?.text == "ok")
    }
}
