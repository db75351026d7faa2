import NIOCore
import Testing

@testable import SluiceRedisWire

/// The RESP2 reply parser: every reply type, replies cut at every byte, and hostile lengths.
@Suite struct RESPDecoderTests {
    static func parse(_ text: String, decoder: RESPDecoder = RESPDecoder()) throws -> (RESPValue?, Int) {
        var buffer = ByteBuffer(string: text)
        let value = try decoder.parse(&buffer)
        return (value, buffer.readableBytes)
    }

    static let reply =
        "*3\r\n$6\r\nstream\r\n*2\r\n*2\r\n$15\r\n1700000000000-0\r\n*2\r\n$4\r\ndata\r\n$12\r\n{\"id\": \"é\"}\r\n*-1\r\n$-1\r\n"
        + "*4\r\n:42\r\n+OK\r\n-ERR no such key\r\n$0\r\n\r\n"

    @Test func everyTypeOfReply() throws {
        var buffer = ByteBuffer(string: Self.reply)
        let first = try RESPDecoder().parse(&buffer)
        let second = try RESPDecoder().parse(&buffer)
        #expect(
            first
                == .array([
                    .bulkString(Array("stream".utf8)),
                    .array([
                        .array([.bulkString(Array("1700000000000-0".utf8)), .array([.bulkString(Array("data".utf8)), .bulkString(Array("{\"id\": \"é\"}".utf8))])]),
                        .array(nil),
                    ]),
                    .bulkString(nil),
                ]))
        #expect(second == .array([.integer(42), .simpleString("OK"), .error("ERR no such key"), .bulkString([])]))
        #expect(buffer.readableBytes == 0)
    }

    /// A reply cut anywhere is not read until its last byte is there, and leaves the buffer as it was.
    @Test func aReplyCutAtAnyByteWaitsForTheRest() throws {
        let bytes = Array(Self.reply.utf8)
        let firstLength = Self.reply.utf8.count - "*4\r\n:42\r\n+OK\r\n-ERR no such key\r\n$0\r\n\r\n".utf8.count
        for cut in 0..<firstLength {
            var buffer = ByteBuffer(bytes: bytes[..<cut])
            #expect(try RESPDecoder().parse(&buffer) == nil, "cut at \(cut)")
            #expect(buffer.readableBytes == cut)
        }
        var whole = ByteBuffer(bytes: bytes[..<firstLength])
        #expect(try RESPDecoder().parse(&whole) != nil)
    }

    @Test func hostileRepliesAreRefusedBeforeAnythingIsReserved() throws {
        let small = RESPDecoder(maxBulkBytes: 1024, maxElements: 100, maxDepth: 3)
        let cases: [(String, String)] = [
            ("$999999999999\r\n", "a bulk string of 999999999999 bytes (the limit is 1024)"),
            ("$-2\r\n", "a bulk string of -2 bytes (the limit is 1024)"),
            ("*101\r\n", "an array of 101 elements (the limit is 100)"),
            ("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", "arrays nested deeper than 3 levels"),
            ("!3\r\nabc\r\n", "an unknown reply type byte 0x21"),
            (":12x\r\n", "'12x' is not a number"),
            ("+OK\n", "a reply line not ended by CRLF"),
            ("$3\r\nabcde", "a bulk string not ended by CRLF"),
        ]
        for (text, message) in cases {
            #expect(throws: RedisError.protocolViolation(message), "\(text.debugDescription)") { _ = try Self.parse(text, decoder: small) }
        }
        let endless = "+" + String(repeating: "x", count: 70_000)
        #expect(throws: RedisError.protocolViolation("a reply line longer than 65536 bytes")) { _ = try Self.parse(endless) }
    }

    @Test func commandsAreWrittenAsArraysOfBulkStrings() {
        var buffer = ByteBuffer()
        RESPCommand(["XADD", "s", "*", "k", "é"]).write(into: &buffer)
        RESPCommand([[0, 13, 10]]).write(into: &buffer)
        #expect(buffer.readString(length: buffer.readableBytes) == "*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$1\r\n*\r\n$1\r\nk\r\n$2\r\né\r\n*1\r\n$3\r\n\0\r\n\r\n")
    }
}
