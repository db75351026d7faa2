import Foundation
import SluiceTestSupport
import Testing

@testable import SluiceNATSWire

/// The connection against a real nats-server (with JetStream) of the test's own.
@Suite struct NATSConnectionTests {
    static func connect(
        _ server: NATSTestServer, user: String? = nil, password: String? = nil, token: String? = nil, timeout: Duration = .seconds(30)
    ) async throws -> NATSConnection {
        try await NATSConnection.connect(
            // Connecting may wait minutes for a thread under the whole suite: a hang guard only.
            NATSConnectionConfiguration(
                host: "127.0.0.1", port: server.port, user: user, password: password, token: token, connectTimeout: .seconds(600),
                requestTimeout: timeout))
    }

    /// A JetStream API request and its answer as text.
    static func api(_ nats: NATSConnection, _ subject: String, _ json: String = "") async throws -> String {
        String(decoding: try await nats.request(subject, payload: Array(json.utf8)).payload, as: UTF8.self)
    }

    /// A stream `S` on `s.>` and a durable pull consumer `D`.
    static func streamAndConsumer(_ nats: NATSConnection) async throws {
        let created = try await api(nats, "$JS.API.STREAM.CREATE.S", #"{"name": "S", "subjects": ["s.>"]}"#)
        #expect(created.contains(#""did_create":true"#), "\(created)")
        _ = try await api(nats, "$JS.API.CONSUMER.DURABLE.CREATE.S.D", #"{"stream_name": "S", "config": {"durable_name": "D", "ack_policy": "explicit"}}"#)
    }

    @Test func pipelinedRequestsGetTheirOwnAnswers() async throws {
        let server = try await NATSTestServer.start()
        let nats = try await Self.connect(server)
        try await Self.streamAndConsumer(nats)
        // A thousand publishes in one write: the stream acknowledges each with its sequence, in order.
        let answers = try await nats.requests((1...1000).map { NATSOutgoingMessage(subject: "s.n", payload: Array(#"{"n": \#($0)}"#.utf8)) })
        let sequences = try answers.map { String(decoding: try $0.get().payload, as: UTF8.self) }
        #expect(sequences == (1...1000).map { #"{"stream":"S", "seq":\#($0)}"# })
        // Many tasks at once on one connection: each gets its own answer.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 1...100 {
                group.addTask {
                    let ack = try await Self.api(nats, "s.task", "\(n)")
                    #expect(ack.hasPrefix(#"{"stream":"S", "seq":"#))
                }
            }
            try await group.waitForAll()
        }
        // Nobody answers: that request fails, the connection stays.
        await #expect(throws: NATSError.noResponders(subject: "nobody.here")) { _ = try await nats.request("nobody.here", payload: []) }
        let mixed = try await nats.requests([NATSOutgoingMessage(subject: "nobody", payload: []), NATSOutgoingMessage(subject: "s.n", payload: [])])
        #expect(throws: NATSError.noResponders(subject: "nobody")) { _ = try mixed[0].get() }
        #expect(try String(decoding: mixed[1].get().payload, as: UTF8.self) == #"{"stream":"S", "seq":1101}"#)
        // A fetch collects the messages and ends with the server's status.
        let fetched = try await nats.collect(
            "$JS.API.CONSUMER.MSG.NEXT.S.D", payload: Array(#"{"batch": 5, "expires": 1000000000, "no_wait": true}"#.utf8), maxMessages: 5,
            timeout: .seconds(10))
        #expect(fetched.count == 5)
        #expect(fetched.allSatisfy { $0.replyTo?.hasPrefix("$JS.ACK.S.D.1.") == true })
        try await nats.flush()
        #expect(nats.isUsable)
        await nats.close()
    }

    @Test func theServersPingsAreAnswered() async throws {
        // The server drops a client that leaves three pings in a row unanswered (ping_max 3):
        // one that never answered would be gone after about 8 s. Pings 2 s apart leave room
        // for a client that waits a while for a thread under the whole suite.
        let server = try await NATSTestServer.start(pingIntervalMs: 2000)
        let nats = try await Self.connect(server)
        try await Task.sleep(for: .seconds(12))
        #expect(nats.isUsable)
        try await nats.flush()
        await #expect(throws: NATSError.noResponders(subject: "x")) { _ = try await nats.request("x", payload: []) }
        await nats.close()
    }

    @Test func signingIn() async throws {
        let server = try await NATSTestServer.start(user: "etl", password: "s3cret pw")
        let nats = try await Self.connect(server, user: "etl", password: "s3cret pw")
        try await nats.flush()
        let refusal = await #expect(throws: NATSError.server("Authorization Violation")) {
            _ = try await Self.connect(server, user: "etl", password: "wrong-pw")
        }
        #expect(refusal.map { "\($0)" }?.contains("wrong-pw") == false)
        await #expect(throws: NATSError.server("Authorization Violation")) { _ = try await Self.connect(server) }
        let tokenServer = try await NATSTestServer.start(token: "t0ken")
        try await Self.connect(tokenServer, token: "t0ken").flush()
        await #expect(throws: NATSError.server("Authorization Violation")) { _ = try await Self.connect(tokenServer, token: "other") }
    }

    /// An unanswered request fails at its deadline and closes the connection; later requests
    /// learn it is closed.
    @Test func aTimeoutClosesTheConnection() async throws {
        let server = try await NATSTestServer.start()
        let nats = try await Self.connect(server)
        try await Self.streamAndConsumer(nats)
        await #expect(throws: NATSError.timeout("no answer from the NATS server within the timeout ($JS.API.CONSUMER.MSG.NEXT.S.D)")) {
            _ = try await nats.collect(
                "$JS.API.CONSUMER.MSG.NEXT.S.D", payload: Array(#"{"batch": 1, "expires": 10000000000}"#.utf8), maxMessages: 1,
                timeout: .milliseconds(200))
        }
        #expect(!nats.isUsable)
        await #expect(throws: NATSError.connection("the connection to the NATS server is closed")) { _ = try await nats.request("s.x", payload: []) }
    }

    @Test func aKilledServerOrACancelledWaitEndsTheConnection() async throws {
        let server = try await NATSTestServer.start()
        let nats = try await Self.connect(server)
        try await Self.streamAndConsumer(nats)
        let fetch = #"{"batch": 1, "expires": 30000000000}"#
        let cancelled = Task { try await nats.collect("$JS.API.CONSUMER.MSG.NEXT.S.D", payload: Array(fetch.utf8), maxMessages: 1, timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(100))
        cancelled.cancel()
        await #expect(throws: NATSError.self) { _ = try await cancelled.value }
        for _ in 0..<100 where nats.isUsable { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!nats.isUsable)

        let second = try await Self.connect(server)
        let waiting = Task { try await second.collect("$JS.API.CONSUMER.MSG.NEXT.S.D", payload: Array(fetch.utf8), maxMessages: 1, timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(100))
        await server.kill()
        await #expect(throws: NATSError.connection("the NATS server closed the connection")) { _ = try await waiting.value }
        await #expect(throws: NATSError.self) { _ = try await Self.connect(server) }
    }

    @Test func whatTheServerWouldRefuseIsNotSent() async throws {
        let server = try await NATSTestServer.start()
        let nats = try await Self.connect(server)
        #expect(nats.maxMessageBytes == 1_048_576)
        await #expect(throws: NATSError.invalid("a message of 1048577 bytes is larger than the NATS server takes (max_payload 1048576 bytes)")) {
            try await nats.publish("big", payload: [UInt8](repeating: 0x41, count: 1_048_577))
        }
        await #expect(throws: NATSError.invalid("the subject 'a b' contains whitespace or a control character")) {
            try await nats.publish("a b", payload: [])
        }
        try await nats.publish("fine", payload: Array("x".utf8))
        try await nats.flush()
        #expect(nats.isUsable)
    }
}
