import NIOCore
import NIOEmbedded
import Testing

@testable import SluiceNATSWire

/// The client handler on an embedded channel, its clock driven by the test: answers matched
/// by reply subject whatever their order, the server's PINGs answered, a fetch ended by its
/// status, and a deadline that fails everything and closes the channel.
@Suite struct NATSClientHandlerTests {
    static func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: NATSClientHandler(inbox: "_INBOX.t", inboxSID: "1"))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4222)).wait()
        return channel
    }

    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { text += buffer.readString(length: buffer.readableBytes) ?? "" }
        return text
    }

    static func request(_ channel: EmbeddedChannel, _ subject: String, collect: Int? = nil, seconds: Int64 = 5) -> NATSClientHandler.Request {
        NATSClientHandler.Request(
            subject: subject, headers: nil, payload: Array("?".utf8), collect: collect, deadline: channel.embeddedEventLoop.now + .seconds(seconds),
            promise: channel.eventLoop.makePromise())
    }

    static func reply(_ token: Int, _ text: String, status: Int? = nil, fetch: Bool = false, subject: String? = nil) throws -> NATSServerOperation {
        var headers: NATSHeaders?
        if let status {
            var block = NATSHeaders()
            block.status = status
            headers = block
        }
        return .message(NATSMessage(
            subject: subject ?? (fetch ? "_INBOX.t.f.\(token)" : "_INBOX.t.\(token)"), sid: fetch ? String(token + 1) : "1", headers: headers,
            payload: Array(text.utf8)))
    }

    @Test func answersAreMatchedByReplySubjectAndPingsAnswered() async throws {
        let channel = try Self.channel()
        let first = Self.request(channel, "a")
        let second = Self.request(channel, "b")
        try channel.writeOutbound(NATSClientHandler.Outbound.requests([first, second]))
        #expect(try Self.written(channel) == "PUB a _INBOX.t.1 1\r\n?\r\nPUB b _INBOX.t.2 1\r\n?\r\n")
        try channel.writeInbound(try Self.reply(2, "to b"))
        try channel.writeInbound(NATSServerOperation.ping)
        #expect(try Self.written(channel) == "PONG\r\n")
        // An answer to a request that is not waiting is dropped.
        try channel.writeInbound(try Self.reply(9, "stray"))
        try channel.writeInbound(try Self.reply(1, "to a"))
        #expect(try await first.promise.futureResult.get().map(\.payload) == [Array("to a".utf8)])
        #expect(try await second.promise.futureResult.get().map(\.payload) == [Array("to b".utf8)])
        #expect(channel.isActive)
    }

    /// A fetch's messages keep their own subjects: its own subscription tells them apart, and
    /// ends when the fetch does.
    @Test func aFetchCollectsUntilItsStatusAndNoRespondersFailsOnlyItsRequest() async throws {
        let channel = try Self.channel()
        let fetch = Self.request(channel, "$JS.API.CONSUMER.MSG.NEXT.S.D", collect: 10)
        let nobody = Self.request(channel, "nobody")
        try channel.writeOutbound(NATSClientHandler.Outbound.requests([fetch, nobody]))
        #expect(try Self.written(channel) == "SUB _INBOX.t.f.1 2\r\nPUB $JS.API.CONSUMER.MSG.NEXT.S.D _INBOX.t.f.1 1\r\n?\r\nPUB nobody _INBOX.t.2 1\r\n?\r\n")
        try channel.writeInbound(try Self.reply(1, "m1", fetch: true, subject: "s.a"))
        try channel.writeInbound(try Self.reply(1, "", status: 100, fetch: true))
        try channel.writeInbound(try Self.reply(1, "m2", fetch: true, subject: "s.b"))
        // A message of the same subject on the inbox subscription is not the fetch's.
        try channel.writeInbound(try Self.reply(1, "not the fetch's"))
        try channel.writeInbound(try Self.reply(2, "", status: 503))
        await #expect(throws: NATSError.noResponders(subject: "nobody")) { _ = try await nobody.promise.futureResult.get() }
        try channel.writeInbound(try Self.reply(1, "", status: 408, fetch: true))
        let messages = try await fetch.promise.futureResult.get()
        #expect(messages.map(\.status) == [nil, nil, 408])
        #expect(messages.map(\.subject) == ["s.a", "s.b", "_INBOX.t.f.1"])
        #expect(try Self.written(channel) == "UNSUB 2\r\n")
        #expect(channel.isActive)
    }

    @Test func aMissedDeadlineFailsEverythingWaitingAndClosesTheChannel() async throws {
        let channel = try Self.channel()
        let slow = Self.request(channel, "slow", seconds: 1)
        let patient = Self.request(channel, "patient", seconds: 60)
        let pong = channel.eventLoop.makePromise(of: Void.self)
        try channel.writeOutbound(NATSClientHandler.Outbound.requests([slow, patient]))
        try channel.writeOutbound(NATSClientHandler.Outbound.ping(after: [], deadline: channel.embeddedEventLoop.now + .seconds(60), promise: pong))
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        let reason = NATSError.timeout("no answer from the NATS server within the timeout (slow)")
        await #expect(throws: reason) { _ = try await slow.promise.futureResult.get() }
        await #expect(throws: reason) { _ = try await patient.promise.futureResult.get() }
        await #expect(throws: reason) { try await pong.futureResult.get() }
        #expect(!channel.isActive)
    }

    @Test func aServerErrorFailsEverythingWaiting() async throws {
        let channel = try Self.channel()
        let request = Self.request(channel, "a")
        try channel.writeOutbound(NATSClientHandler.Outbound.requests([request]))
        try channel.writeInbound(NATSServerOperation.error("Stale Connection"))
        await #expect(throws: NATSError.server("Stale Connection")) { _ = try await request.promise.futureResult.get() }
        #expect(!channel.isActive)
    }
}
