import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// The NATS JetStream source and target against a nats-server of each test's own, with
/// nats-py as the second client that writes the input, reads the result and asks the server
/// about the consumer.
@Suite struct NATSJetStreamTests {
    static func context(batchSize: Int = 3) -> ComponentContext {
        ComponentContext(dataRoots: DataRoots(["/tmp"]), batchSize: batchSize)
    }

    static func source(_ config: Value, batchSize: Int = 3) throws -> NATSJetStreamSource {
        try NATSJetStreamSource(
            config: try ValueDecoder().decode(NATSJetStreamSource.Config.self, from: config), context: context(batchSize: batchSize))
    }

    static func target(_ config: Value) throws -> NATSJetStreamTarget {
        try NATSJetStreamTarget(config: try ValueDecoder().decode(NATSJetStreamTarget.Config.self, from: config), context: context())
    }

    /// What one read gave, and its reader (to confirm the commit or not).
    struct Read {
        var records: [ValueObject] = []
        var rejected: [Rejection] = []
        var reader: any BatchReader
        var ids: [Int] { records.compactMap { if case .int(let id)? = $0["id"] { id } else { nil } } }
    }

    static func read(_ source: NATSJetStreamSource, pausingAfterFirstChunk pause: Duration? = nil) async throws -> Read {
        let reader = try await source.open()
        var read = Read(reader: reader)
        while let chunk = try await reader.next() {
            read.records += chunk.batch.records
            read.rejected += chunk.rejected
            if let pause, read.records.count == chunk.batch.count { try await Task.sleep(for: pause) }
        }
        return read
    }

    /// The source's config: stream `ORDERS`, consumer `etl`, short waits, with `extra` keys set.
    static func config(_ server: NATSTestServer, _ extra: [(String, Value)] = []) -> Value {
        var config = ValueObject([("url", .string(server.url)), ("stream", "ORDERS"), ("durable", "etl"), ("fetchWaitMs", 200), ("ackWaitMs", 1500)])
        for (key, value) in extra { config[key] = value }
        return .object(config)
    }

    /// A run that fails before its commit leaves its messages unacknowledged; once ackWaitMs
    /// has passed a later run reads them again with the new ones, and only its commit
    /// acknowledges them.
    @Test func messagesAreAcknowledgedOnlyAfterTheCommitAndAFailedRunIsReadAgain() async throws {
        let server = try await NATSTestServer.start()
        try await NATSPython.addStream(server, "ORDERS", subjects: ["orders.>"])
        try await NATSPython.publish(server, "orders.new", ids: 1...14)
        let config = Self.config(server, [("ackWaitMs", 4000)])
        let failed = try await Self.read(try Self.source(Self.config(server, [("ackWaitMs", 4000), ("maxRecords", 10)])))
        let failedAt = ContinuousClock.now
        #expect(failed.ids == Array(1...10))
        // Before ackWaitMs the unacknowledged messages are not delivered again: a run now
        // reads only the others (and commits them).
        let between = try await Self.read(try Self.source(config))
        #expect(between.ids == Array(11...14))
        try await between.reader.targetCommitted()
        #expect(try await NATSPython.consumer(server, "ORDERS", "etl") == (0, 10))
        try await NATSPython.publish(server, "orders.new", ids: 15...16)
        try await Task.sleep(until: failedAt + .milliseconds(4100))
        let retried = try await Self.read(try Self.source(config))
        #expect(retried.ids.sorted() == Array(1...10) + [15, 16])
        try await retried.reader.targetCommitted()
        #expect(try await NATSPython.consumer(server, "ORDERS", "etl") == (0, 0))
        #expect(try await retried.reader.consumerLag() == 0)
        // Nothing is left for a later run.
        try await Task.sleep(for: .milliseconds(4100))
        #expect(try await Self.read(try Self.source(config)).ids == [])
    }

    /// The read outlasts ackWaitMs, so the server delivers its first messages again while it
    /// goes on: each is handed on once, and the commit acknowledges them all.
    @Test func aMessageDeliveredAgainDuringTheReadIsHandedOnOnce() async throws {
        let server = try await NATSTestServer.start()
        try await NATSPython.addStream(server, "ORDERS", subjects: ["orders.>"])
        try await NATSPython.publish(server, "orders.new", ids: 1...9)
        let read = try await Self.read(try Self.source(Self.config(server, [("ackWaitMs", 500)])), pausingAfterFirstChunk: .milliseconds(900))
        #expect(read.ids.sorted() == Array(1...9))
        #expect(read.ids.count == 9)
        try await read.reader.targetCommitted()
        #expect(try await NATSPython.consumer(server, "ORDERS", "etl") == (0, 0))
    }

    /// The server killed (SIGKILL) after a read and before its commit, then restarted: the
    /// commit fails, and the next run reads every message again.
    @Test func aServerKilledBeforeTheCommitLosesNothing() async throws {
        let server = try await NATSTestServer.start()
        try await NATSPython.addStream(server, "ORDERS", subjects: ["orders.>"])
        try await NATSPython.publish(server, "orders.new", ids: 1...20)
        let interrupted = try await Self.read(try Self.source(Self.config(server)))
        #expect(interrupted.ids == Array(1...20))
        try await server.restart()
        await #expect(throws: ConnectorError.self) { try await interrupted.reader.targetCommitted() }
        try await Task.sleep(for: .milliseconds(1600))
        let again = try await Self.read(try Self.source(Self.config(server)))
        #expect(again.ids.sorted() == Array(1...20))
        try await again.reader.targetCommitted()
        #expect(try await NATSPython.consumer(server, "ORDERS", "etl") == (0, 0))
    }

    /// A payload that is not a JSON object goes to the dead-letter queue naming its stream
    /// sequence and subject, and is acknowledged with the others so it never comes back.
    @Test func aPoisonMessageGoesToTheDeadLetterQueueAndIsAcknowledged() async throws {
        let server = try await NATSTestServer.start()
        try await NATSPython.addStream(server, "ORDERS", subjects: ["orders.>"])
        try await NATSPython.publish(server, "orders.new", ids: 1...2)
        let broken = try await NATSPython.publish(server, "orders.new", payload: "{not json")
        let array = try await NATSPython.publish(server, "orders.new", payload: "[1, 2]")
        try await NATSPython.publish(server, "orders.new", ids: 3...3)
        let read = try await Self.read(try Self.source(Self.config(server)))
        #expect(read.ids == [1, 2, 3])
        #expect(read.rejected == [
            Rejection(record: "{not json", reasons: ["message \(broken) (subject orders.new): not a JSON object: expected a string key at byte 1"], position: 3, stage: "source"),
            Rejection(record: "[1, 2]", reasons: ["message \(array) (subject orders.new): not a JSON object: an array"], position: 4, stage: "source"),
        ])
        try await read.reader.targetCommitted()
        #expect(try await NATSPython.consumer(server, "ORDERS", "etl") == (0, 0))
    }

    /// The subject filter, the subject and sequence fields, `valueField` for payloads of any
    /// JSON kind, and `maxRecords` ending the read; the lag counts what is left.
    @Test func filterExtrasAndMaxRecords() async throws {
        let server = try await NATSTestServer.start()
        try await NATSPython.addStream(server, "ORDERS", subjects: ["orders.>"])
        try await NATSPython.publish(server, "orders.cancelled", ids: 1...2)
        try await NATSPython.publish(server, "orders.new", ids: 3...7)
        let read = try await Self.read(try Self.source(Self.config(server, [
            ("subject", "orders.new"), ("subjectField", "subject"), ("sequenceField", "seq"), ("maxRecords", 4),
        ])))
        #expect(read.ids == [3, 4, 5, 6])
        #expect(read.records.map { $0["subject"] } == Array(repeating: "orders.new", count: 4))
        #expect(read.records.map { $0["seq"] } == [3, 4, 5, 6])
        try await read.reader.targetCommitted()
        #expect(try await read.reader.consumerLag() == 1)
        let values = try await Self.read(try Self.source(Self.config(server, [("durable", "raw"), ("valueField", "payload"), ("maxRecords", 2)])))
        #expect(values.records == [
            ValueObject([("payload", .object(ValueObject([("id", 1), ("total", 10)])))]),
            ValueObject([("payload", .object(ValueObject([("id", 2), ("total", 20)])))]),
        ])
    }

    /// Records are published with their ids as message IDs; a batch published again (a
    /// micro-batch repeated after a failure) is stored once, and every publish is acknowledged.
    @Test func publishedRecordsAreAcknowledgedAndRepeatedIDsStoredOnce() async throws {
        let server = try await NATSTestServer.start()
        try await NATSPython.addStream(server, "OUT", subjects: ["out.>"])
        let target = try Self.target(["url": .string(server.url), "subject": "out.orders", "idField": "id", "stream": "OUT", "maxInFlight": 2])
        let batch = RecordBatch(records: (1...5).map { ValueObject([("id", .int($0)), ("name", .string("n\($0)"))]) })
        let writer = try await target.open(batchSize: nil)
        let (bytes, rejected) = try await writer.writeReportingRejections(batch)
        #expect(rejected == [])
        #expect(bytes == batch.records.reduce(0) { $0 + JSONText.bytes(.object($1)).count })
        _ = try await writer.write(batch)
        try await writer.commit()
        let stored = try await NATSPython.messages(server, "OUT")
        let expected = (1...5).map { #"["out.orders", "\#($0)", "{\"id\":\#($0),\"name\":\"n\#($0)\"}"]"# }.joined(separator: ", ")
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == "[\(expected)]")

        // Without idField the ID is a hash of subject and message: the same record twice is one
        // message, a different one another; subjectField makes the subject.
        let derived = try Self.target(["url": .string(server.url), "subject": "out", "subjectField": "kind"])
        let events = try await derived.open(batchSize: nil)
        let twice = RecordBatch(records: [ValueObject([("kind", "a"), ("n", 1)]), ValueObject([("kind", "a"), ("n", 1)]), ValueObject([("kind", "b"), ("n", 1)])])
        let refused = try await events.writeReportingRejections(RecordBatch(records: [ValueObject([("n", 2)]), ValueObject([("kind", "x y")])]))
        #expect(refused.rejected.map(\.reasons) == [
            ["the record has no text in 'kind' (subjectField) to end its subject with"],
            ["'x y' of 'kind' does not make a valid subject (no spaces, wildcards or empty tokens)"],
        ])
        _ = try await events.write(twice)
        let all = try await NATSPython.run(server, "print((await js.stream_info('OUT')).state.messages)")
        #expect(all.trimmingCharacters(in: .whitespacesAndNewlines) == "7")
    }

    @Test func refusalsNameTheirCauseAndNeverThePassword() async throws {
        let server = try await NATSTestServer.start(user: "etl", password: "s3cret-pw")
        try await NATSPython.addStream(server, "OUT", subjects: ["out.>"])
        try await NATSPython.addStream(server, "ORDERS", subjects: ["orders.>"])
        let url = "nats://etl:s3cret-pw@127.0.0.1:\(server.port)"
        let location = "nats_jetstream:nats://127.0.0.1:\(server.port)/nothing.here"
        await #expect(throws: ConnectorError.remote(
            "\(location): no JetStream stream takes subject 'nothing.here' (nothing answered the publish); create a stream whose subjects include it")) {
            let writer = try await Self.target(["url": .string(url), "subject": "nothing.here"]).open(batchSize: nil)
            _ = try await writer.write(RecordBatch(records: [ValueObject([("id", 1)])]))
        }
        await #expect(throws: ConnectorError.remote("\(location): the stream 'NOPE' does not exist")) {
            _ = try await Self.target(["url": .string(url), "subject": "nothing.here", "stream": "NOPE"]).open(batchSize: nil)
        }
        await #expect(throws: ConnectorError.remote(
            "nats_jetstream:nats://127.0.0.1:\(server.port)/out.x: the server refused message '1' on 'out.x': expected stream does not match (error 10060)")) {
            let writer = try await Self.target(["url": .string(url), "subject": "out.x", "stream": "ORDERS", "idField": "id"]).open(batchSize: nil)
            _ = try await writer.write(RecordBatch(records: [ValueObject([("id", 1)])]))
        }
        await #expect(throws: ConnectorError.remote(
            "nats_jetstream:nats://127.0.0.1:\(server.port)/NOPE: could not create the consumer 'etl' on stream 'NOPE': stream not found (error 10059)")) {
            _ = try await Self.source(["url": .string(url), "stream": "NOPE", "durable": "etl"]).open()
        }
        let wrong = await #expect(throws: ConnectorError.self) {
            _ = try await Self.source(["url": .string("nats://etl:wrong-pw@127.0.0.1:\(server.port)"), "stream": "OUT", "durable": "etl"]).open()
        }
        #expect(wrong.map { "\($0)" } == "nats_jetstream:nats://127.0.0.1:\(server.port)/OUT: the NATS server reported an error: Authorization Violation")
        #expect(try Self.source(["url": .string(url), "stream": "OUT", "durable": "etl"]).location == "nats_jetstream:nats://127.0.0.1:\(server.port)/OUT")
        for (config, message) in [
            (["url": "tls://x", "stream": "S", "durable": "d"] as Value, "url: tls:// (TLS) is not supported yet; use nats:// on a trusted network or a TLS tunnel"),
            (["url": "redis://x", "stream": "S", "durable": "d"], "url: must start with nats://"),
            (["url": "nats://x/path", "stream": "S", "durable": "d"], "url: takes no path"),
            (["url": "nats://x", "stream": "a.b", "durable": "d"], "stream: may not contain whitespace, '.', '*', '>', '/' or '\\', got 'a.b'"),
            (["url": "nats://x", "stream": "S", "durable": "d", "subject": "a..b"], "subject: the subject 'a..b' has an empty token"),
            (["url": "nats://x", "stream": "S", "durable": "d", "fetchWaitMs": 5000, "ackWaitMs": 5000],
             "fetchWaitMs: must be shorter than ackWaitMs (5000 ms), or messages delivered again could keep every fetch busy"),
            (["url": "nats://x", "stream": "S", "durable": "d", "reconnectTimeoutMs": 10],
             "reconnectTimeoutMs: applies with continuous: true only (a batch read fails when the connection is lost, and its next run reads the messages again)"),
        ] {
            do {
                _ = try Self.source(config)
                Issue.record("\(config) was accepted")
            } catch {
                #expect("\(error)" == message)
            }
        }
        #expect(throws: SpecError.self) { _ = try Self.target(["url": "nats://x", "subject": "a.*"]) }
    }
}
