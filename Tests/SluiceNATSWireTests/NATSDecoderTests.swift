import NIOCore
import Testing

@testable import SluiceNATSWire

/// The server-operation parser: every operation, operations cut at every byte, and hostile
/// lengths and shapes, each refused with a message naming what was wrong.
@Suite struct NATSDecoderTests {
    static func parseAll(_ text: String, decoder: NATSDecoder = NATSDecoder()) throws(NATSError) -> [NATSServerOperation] {
        var decoder = decoder
        var buffer = ByteBuffer(string: text)
        var operations: [NATSServerOperation] = []
        while let operation = try decoder.parse(&buffer) { operations.append(operation) }
        return operations
    }

    /// An `HMSG` line and its bytes, the sizes counted.
    static func hmsg(_ subject: String, sid: String = "1", reply: String? = nil, headers: String, payload: String) -> String {
        let total = headers.utf8.count + payload.utf8.count
        return "HMSG \(subject) \(sid)\(reply.map { " \($0)" } ?? "") \(headers.utf8.count) \(total)\r\n\(headers)\(payload)\r\n"
    }

    static let stream =
        #"INFO {"server_id":"N1","version":"2.9.10","max_payload":1048576,"headers":true,"jetstream":true} "# + "\r\n"
        + "PING\r\n+OK\r\nMSG _INBOX.x.2 1  28\r\n{\"stream\":\"orders\", \"seq\":1}\r\n"
        + "MSG orders.new 1 $JS.ACK.orders.etl.1.17.17.1796687885764255997.2 12\r\n{\"id\": \"é\"}\r\n"
        + hmsg("_INBOX.x.3", headers: "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 5\r\n\r\n", payload: "")
        + hmsg("orders.new", reply: "r.1", headers: "NATS/1.0\r\nNats-Msg-Id: a1\r\nX:  two words \r\n\r\n", payload: "{}")
        + "msg\ta\t7\t0\r\n\r\npong\r\n-ERR 'Authorization Violation'\r\n"

    @Test func everyOperation() throws {
        let operations = try Self.parseAll(Self.stream)
        var timeout = NATSHeaders()
        timeout.status = 408
        timeout.statusDescription = "Request Timeout"
        try timeout.append("Nats-Pending-Messages", "5")
        var plain = NATSHeaders()
        try plain.append("Nats-Msg-Id", "a1")
        try plain.append("X", "two words ")
        var info = NATSServerInfo(maxPayload: 1_048_576, headers: true)
        info.serverID = "N1"
        info.version = "2.9.10"
        info.jetStream = true
        #expect(operations == [
            .info(info), .ping, .ok,
            .message(NATSMessage(subject: "_INBOX.x.2", sid: "1", payload: Array(#"{"stream":"orders", "seq":1}"#.utf8))),
            .message(NATSMessage(
                subject: "orders.new", sid: "1", replyTo: "$JS.ACK.orders.etl.1.17.17.1796687885764255997.2", payload: Array(#"{"id": "é"}"#.utf8))),
            .message(NATSMessage(subject: "_INBOX.x.3", sid: "1", headers: timeout, payload: [])),
            .message(NATSMessage(subject: "orders.new", sid: "1", replyTo: "r.1", headers: plain, payload: Array("{}".utf8))),
            .message(NATSMessage(subject: "a", sid: "7", payload: [])),
            .pong, .error("Authorization Violation"),
        ])
        if case .message(let message) = operations[5] { #expect(message.status == 408) }
    }

    /// An operation cut anywhere is not read until its last byte is there, and leaves the buffer as it was.
    @Test func anOperationCutAtAnyByteWaitsForTheRest() throws {
        let bytes = Array(Self.stream.utf8)
        var whole = ByteBuffer(bytes: bytes)
        var decoder = NATSDecoder()
        var ends: [Int] = []
        while try decoder.parse(&whole) != nil { ends.append(bytes.count - whole.readableBytes) }
        var start = 0
        var stepping = NATSDecoder()
        for end in ends {
            for cut in start..<end {
                var buffer = ByteBuffer(bytes: bytes[start..<cut])
                var probe = stepping
                #expect(try probe.parse(&buffer) == nil, "cut at \(cut)")
                #expect(buffer.readableBytes == cut - start)
            }
            var buffer = ByteBuffer(bytes: bytes[start..<end])
            #expect(try stepping.parse(&buffer) != nil)
            #expect(buffer.readableBytes == 0)
            start = end
        }
    }

    @Test func hostileOperationsAreRefusedBeforeAnythingIsReserved() throws {
        let small = NATSDecoder(maxPayloadBytes: 1024, maxHeaderBytes: 64, maxLineBytes: 256)
        let cases: [(String, String)] = [
            ("MSG a 1 9999999999\r\n", "a payload of 9999999999 bytes (the limit is 1024)"),
            ("MSG a 1 99999999999999999999\r\n", "'99999999999999999999' is not a size"),
            ("MSG a 1 -5\r\n", "'-5' is not a size"),
            ("MSG a 1 +5\r\n", "'+5' is not a size"),
            ("MSG a 1\r\n", "a MSG line with 2 arguments"),
            ("MSG a 1 r s 3\r\n", "a MSG line with 5 arguments"),
            ("HMSG a 1 20 10\r\n", "an HMSG whose header size 20 is larger than its total size 10"),
            ("HMSG a 1 65 100\r\n", "a header block of 65 bytes (the limit is 64)"),
            ("HMSG a 1 10 2000\r\n", "a payload of 1990 bytes (the limit is 1024)"),
            (Self.hmsg("a", headers: "HTTP/1.1\r\n\r\n", payload: ""), "a header block that does not start with NATS/1.0 and end with an empty line"),
            (Self.hmsg("a", headers: "NATS/1.0\r\nX: 1\r\n", payload: "xx"), "a header block that does not start with NATS/1.0 and end with an empty line"),
            (Self.hmsg("a", headers: "NATS/1.0 5x3\r\n\r\n", payload: ""), "a header status that is not a 3-digit code"),
            (Self.hmsg("a", headers: "NATS/1.0\r\nno colon\r\n\r\n", payload: ""), "a header line without a name and a colon"),
            (Self.hmsg("a", headers: "NATS/1.0\r\nX: a\nb\r\n\r\n", payload: ""), "a header line not ended by CRLF"),
            (Self.hmsg("a", headers: "NATS/1.0X\r\n\r\n", payload: ""), "a header block that does not start with NATS/1.0 and end with an empty line"),
            ("MSG a 1 3\r\nabcde", "a MSG payload not ended by CRLF"),
            ("HELLO world\r\n", "an unknown operation 'HELLO'"),
            ("PING extra\r\n", "an unknown operation 'PING'"),
            ("\r\n", "an empty control line"),
            ("PING\n", "a control line not ended by CRLF"),
            ("INFO {nope\r\n", "an INFO whose JSON cannot be read"),
            (#"INFO {"max_payload": 0}"# + "\r\n", "an INFO announcing a max_payload of 0"),
            (#"INFO {"max_payload": 100}"# + "\r\nMSG a 1 101\r\n", "a payload of 101 bytes (the limit is 100)"),
            ("+OK" + String(repeating: " ", count: 300), "a control line longer than 256 bytes"),
        ]
        for (text, message) in cases {
            #expect(throws: NATSError.protocolViolation(message), "\(text.debugDescription)") { _ = try Self.parseAll(text, decoder: small) }
        }
        // The server's max_payload never raises the cap.
        #expect(throws: NATSError.protocolViolation("a payload of 2000 bytes (the limit is 1024)")) {
            _ = try Self.parseAll(#"INFO {"max_payload": 1048576}"# + "\r\nMSG a 1 2000\r\n", decoder: small)
        }
        // A long line is refused after one look at its first bytes, whatever follows.
        var decoder = NATSDecoder()
        var endless = ByteBuffer(string: "MSG " + String(repeating: "x", count: 70_000))
        #expect(throws: NATSError.protocolViolation("a control line longer than 65536 bytes")) { _ = try decoder.parse(&endless) }
    }

    @Test func commandsAreWrittenAsTheServerReadsThem() throws {
        var headers = NATSHeaders()
        try headers.append("Nats-Msg-Id", "o-1")
        var buffer = ByteBuffer()
        for command: NATSCommand in [
            .connect(Array(#"{"verbose":false}"#.utf8)), .publish(subject: "a.b", replyTo: nil, headers: nil, payload: Array("hé".utf8)),
            .publish(subject: "a.b", replyTo: "_INBOX.x.1", headers: headers, payload: Array("{}".utf8)),
            .publish(subject: "a", replyTo: "r", headers: nil, payload: []), .subscribe(subject: "_INBOX.x.*", sid: "1"),
            .unsubscribe(sid: "1", after: nil), .unsubscribe(sid: "2", after: 5), .ping, .pong,
        ] {
            command.write(into: &buffer)
        }
        #expect(buffer.readString(length: buffer.readableBytes) == #"CONNECT {"verbose":false}"# + "\r\n"
            + "PUB a.b 3\r\nhé\r\nHPUB a.b _INBOX.x.1 30 32\r\nNATS/1.0\r\nNats-Msg-Id: o-1\r\n\r\n{}\r\nPUB a r 0\r\n\r\n"
            + "SUB _INBOX.x.* 1\r\nUNSUB 1\r\nUNSUB 2 5\r\nPING\r\nPONG\r\n")
    }

    @Test func subjectsAndHeadersThatTheServerWouldMisreadAreRefused() {
        for subject in ["", "a b", "a\r\nPUB x 1", "a..b", ".a", "a.", "a.*", "a.>"] {
            #expect(throws: NATSError.self, "\(subject.debugDescription)") { try NATSSubject.validate(subject, wildcards: false) }
        }
        for subject in ["a.*.c", "a.>", ">", "*"] { #expect(throws: Never.self) { try NATSSubject.validate(subject, wildcards: true) } }
        #expect(throws: NATSError.invalid("in the subject 'a.>.c', '>' must be the last token")) { try NATSSubject.validate("a.>.c", wildcards: true) }
        #expect(throws: NATSError.invalid("the subject 'a?PUB' contains whitespace or a control character")) {
            try NATSSubject.validate("a\rPUB", wildcards: false)
        }
        var headers = NATSHeaders()
        #expect(throws: NATSError.invalid("the value of header 'Nats-Msg-Id' contains a line break")) { try headers.append("Nats-Msg-Id", "a\r\nX: y") }
        #expect(throws: NATSError.invalid("'Bad Name' cannot be a header name")) { try headers.append("Bad Name", "1") }
        #expect(headers.fields.isEmpty)
    }
}
