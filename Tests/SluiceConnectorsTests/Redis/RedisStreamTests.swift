import Foundation
import SluiceConnectors
import SluiceCore
import SluiceRedisWire
import SluiceTestSupport
import Testing

/// The Redis stream source and target against a redis-server of each test's own, with
/// redis-py as the second client that writes the input and reads the result.
@Suite struct RedisStreamTests {
    static func context(batchSize: Int = 3) -> ComponentContext {
        ComponentContext(dataRoots: DataRoots(["/tmp"]), batchSize: batchSize)
    }

    static func source(_ config: Value, batchSize: Int = 3) throws -> RedisStreamSource {
        try RedisStreamSource(config: try ValueDecoder().decode(RedisStreamSource.Config.self, from: config), context: context(batchSize: batchSize))
    }

    static func target(_ config: Value) throws -> RedisStreamTarget {
        try RedisStreamTarget(config: try ValueDecoder().decode(RedisStreamTarget.Config.self, from: config), context: context())
    }

    /// What one read gave, and its reader (to confirm the commit or not).
    struct Read {
        var records: [ValueObject] = []
        var rejected: [Rejection] = []
        var reader: any BatchReader
        var ids: [Int] { records.compactMap { if case .int(let id)? = $0["id"] { id } else { nil } } }
    }

    static func read(_ source: RedisStreamSource) async throws -> Read {
        let reader = try await source.open()
        var read = Read(reader: reader)
        while let chunk = try await reader.next() {
            read.records += chunk.batch.records
            read.rejected += chunk.rejected
        }
        return read
    }

    /// Runs redis-py against the server: `script` sees `r` (a client) and `sys.argv[2:]`.
    static func python(_ server: RedisTestServer, _ script: String, _ arguments: [String] = []) async throws -> String {
        try await Python.run("import json, sys, redis\nr = redis.Redis(port=int(sys.argv[1]), decode_responses=True)\n" + script, arguments: [String(server.port)] + arguments)
    }

    /// Adds entries `{"data": {"id": n}}` for `ids` with redis-py.
    static func add(_ server: RedisTestServer, _ stream: String, ids: ClosedRange<Int>) async throws {
        _ = try await python(server, "for n in range(int(sys.argv[3]), int(sys.argv[4]) + 1): r.xadd(sys.argv[2], {'data': json.dumps({'id': n})})", [stream, String(ids.lowerBound), String(ids.upperBound)])
    }

    static func pending(_ server: RedisTestServer, _ stream: String, _ group: String) async throws -> Int {
        Int(try await python(server, "print(r.xpending(sys.argv[2], sys.argv[3])['pending'])", [stream, group]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// A run that fails before its commit leaves its entries pending; the next run reads them
    /// again, then the new ones, and only its commit acknowledges them.
    @Test func entriesAreAcknowledgedOnlyAfterTheCommitAndAFailedRunIsReadAgain() async throws {
        let server = try await RedisTestServer.start()
        try await Self.add(server, "orders", ids: 1...10)
        let config: Value = ["url": .string(server.url), "stream": "orders", "group": "etl", "valueField": "data", "blockMs": 100]
        let failed = try await Self.read(try Self.source(config))
        #expect(failed.ids == Array(1...10))
        #expect(try await Self.pending(server, "orders", "etl") == 10)
        try await Self.add(server, "orders", ids: 11...14)
        let retried = try await Self.read(try Self.source(config))
        #expect(retried.ids == Array(1...14))
        try await retried.reader.targetCommitted()
        #expect(try await Self.pending(server, "orders", "etl") == 0)
        // Nothing is left for a third run.
        #expect(try await Self.read(try Self.source(config)).ids == [])
    }

    /// The broker killed (SIGKILL) after a read and before its commit, then restarted: the
    /// entries are still pending and the next run reads every one of them, once.
    @Test func aBrokerKilledBeforeTheCommitLosesNothing() async throws {
        let server = try await RedisTestServer.start()
        try await Self.add(server, "orders", ids: 1...20)
        let config: Value = ["url": .string(server.url), "stream": "orders", "group": "etl", "valueField": "data", "blockMs": 100]
        let interrupted = try await Self.read(try Self.source(config))
        #expect(interrupted.ids == Array(1...20))
        try await server.restart()
        await #expect(throws: ConnectorError.self) { try await interrupted.reader.targetCommitted() }
        #expect(try await Self.pending(server, "orders", "etl") == 20)
        let again = try await Self.read(try Self.source(config))
        #expect(again.ids == Array(1...20))
        try await again.reader.targetCommitted()
        #expect(try await Self.pending(server, "orders", "etl") == 0)
    }

    /// Entries this consumer reads again from its own pending list are idle enough to be
    /// claimed too (`claimIdleMs: 0`): the read still hands each on once.
    @Test func anEntryIsReadOncePerRunEvenWhenItCouldBeClaimedAgain() async throws {
        let server = try await RedisTestServer.start()
        try await Self.add(server, "orders", ids: 1...5)
        let config: Value = ["url": .string(server.url), "stream": "orders", "group": "etl", "valueField": "data", "blockMs": 100, "claimIdleMs": 0]
        #expect(try await Self.read(try Self.source(config)).ids == Array(1...5))
        let again = try await Self.read(try Self.source(config))
        #expect(again.ids == Array(1...5))
        try await again.reader.targetCommitted()
        #expect(try await Self.pending(server, "orders", "etl") == 0)
    }

    /// A message that is not JSON goes to the dead-letter queue with its entry ID, and is
    /// acknowledged with the others so it cannot block the group.
    @Test func aPoisonMessageGoesToTheDeadLetterQueueAndIsAcknowledged() async throws {
        let server = try await RedisTestServer.start()
        try await Self.add(server, "orders", ids: 1...2)
        let poison = try await Self.python(server, "print(r.xadd('orders', {'data': '{not json'}))").trimmingCharacters(in: .whitespacesAndNewlines)
        let missing = try await Self.python(server, "print(r.xadd('orders', {'other': '1'}))").trimmingCharacters(in: .whitespacesAndNewlines)
        try await Self.add(server, "orders", ids: 3...3)
        let read = try await Self.read(try Self.source(["url": .string(server.url), "stream": "orders", "group": "etl", "valueField": "data", "blockMs": 100]))
        #expect(read.ids == [1, 2, 3])
        #expect(read.rejected == [
            Rejection(record: ["data": "{not json"], reasons: ["entry \(poison): field 'data' is not JSON: expected a string key at byte 1"], position: 3, stage: "source"),
            Rejection(record: ["other": "1"], reasons: ["entry \(missing) has no field 'data'"], position: 4, stage: "source"),
        ])
        try await read.reader.targetCommitted()
        #expect(try await Self.pending(server, "orders", "etl") == 0)
    }

    /// Entries another consumer left pending are taken over once idle for `claimIdleMs`;
    /// `maxRecords` ends the read and fields are text with the entry ID added.
    @Test func staleEntriesOfAnotherConsumerAreClaimed() async throws {
        let server = try await RedisTestServer.start()
        let ids = try await Self.python(server, """
            r.xgroup_create('clicks', 'etl', id='0', mkstream=True)
            ids = [r.xadd('clicks', {'page': '/p%d' % n}) for n in range(1, 6)]
            r.xreadgroup('etl', 'crashed', {'clicks': '>'}, count=3)
            print(json.dumps(ids))
            """)
        let added = try #require(try JSONParser.parse(Array(ids.utf8)).arrayValue, "redis-py printed \(ids)")
        let read = try await Self.read(try Self.source([
            "url": .string(server.url), "stream": "clicks", "group": "etl", "consumer": "sluice", "claimIdleMs": 0, "idField": "entryId",
            "maxRecords": 4, "blockMs": 100,
        ]))
        #expect(read.records.map { $0["page"] } == ["/p1", "/p2", "/p3", "/p4"])
        #expect(read.records.map { $0["entryId"] } == Array(added.prefix(4)))
        try await read.reader.targetCommitted()
        let owners = try await Self.python(server, "print(json.dumps(sorted((e['consumer'], e['message_id']) for e in r.xpending_range('clicks', 'etl', '-', '+', 10))))")
        #expect(owners.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        #expect(try await Self.pending(server, "clicks", "etl") == 0)
    }

    /// An atomic load adds nothing until the commit and nothing at all when aborted; the
    /// entries redis-py reads back are the records, trimmed by `maxLen`.
    @Test func anAtomicLoadIsAllOrNothing() async throws {
        let server = try await RedisTestServer.start()
        let target = try Self.target(["url": .string(server.url), "stream": "out", "valueField": "data"])
        let batch = RecordBatch(records: (1...5).map { ValueObject([("id", .int($0)), ("name", .string("n\($0)"))]) })
        let aborted = try await target.open(batchSize: nil)
        _ = try await aborted.write(batch)
        await aborted.abort()
        #expect(try await Self.python(server, "print(r.xlen('out'))").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let writer = try await target.open(batchSize: nil)
        _ = try await writer.write(batch)
        _ = try await writer.write(batch)
        #expect(try await Self.python(server, "print(r.xlen('out'))").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        try await writer.commit()
        let written = try await Self.python(server, "print(json.dumps([json.loads(f['data'])['id'] for _, f in r.xrange('out')]))")
        #expect(written.trimmingCharacters(in: .whitespacesAndNewlines) == "[1, 2, 3, 4, 5, 1, 2, 3, 4, 5]")
    }

    @Test func fieldsAsTextNullsLeftOutAndBatchesAddedAsTheyCome() async throws {
        let server = try await RedisTestServer.start()
        let target = try Self.target(["url": .string(server.url), "stream": "clicks", "atomic": false, "maxLen": 1000])
        let writer = try await target.open(batchSize: nil)
        _ = try await writer.write(RecordBatch(records: [ValueObject([("page", "/a"), ("n", .int(7)), ("tags", .array(["x"])), ("gone", .null)])]))
        #expect(try await Self.python(server, "print(json.dumps(r.xrange('clicks')[0][1]))").trimmingCharacters(in: .whitespacesAndNewlines)
            == #"{"page": "/a", "n": "7", "tags": "[\"x\"]"}"#)
        try await writer.commit()
    }

    @Test func refusalsNameTheirCause() async throws {
        let server = try await RedisTestServer.start(password: "pw")
        _ = try await Python.run("import redis, sys\nr = redis.Redis(port=int(sys.argv[1]), password='pw'); r.set('taken', 'x')", arguments: [String(server.port)])
        let url = "redis://:pw@127.0.0.1:\(server.port)"
        await #expect(throws: ConnectorError.remote("redis_stream:redis://127.0.0.1:\(server.port)/0/taken: the key 'taken' holds a string, not a stream")) {
            _ = try await Self.target(["url": .string(url), "stream": "taken"]).open(batchSize: nil)
        }
        let small = try await Self.target(["url": .string(url), "stream": "s", "maxTransactionBytes": 1024]).open(batchSize: nil)
        await #expect(throws: ConnectorError.io(
            "redis_stream:redis://127.0.0.1:\(server.port)/0/s: the load is larger than maxTransactionBytes (1024 bytes); raise it, or set atomic to false to add each batch as it comes")) {
            _ = try await small.write(RecordBatch(records: [ValueObject([("blob", .string(String(repeating: "x", count: 2000)))])]))
        }
        await #expect(throws: ConnectorError.remote(
            "redis_stream:redis://127.0.0.1:\(server.port)/0/s: the Redis server refused the command: WRONGPASS invalid username-password pair or user is disabled.")) {
            _ = try await Self.source(["url": .string("redis://:wrong@127.0.0.1:\(server.port)"), "stream": "s", "group": "g"]).open()
        }
        for (config, message) in [
            (["url": "rediss://x", "stream": "s", "group": "g"] as Value, "url: rediss:// (TLS) is not supported yet; use redis:// on a trusted network or a TLS tunnel"),
            (["url": "redis://x/abc", "stream": "s", "group": "g"], "url: the path must be a database number, found 'abc'"),
            (["url": "redis://x", "stream": "s", "group": "g", "start": "soon"], "start: expected 0 (the whole stream), $ (new entries only) or an entry ID like 1700000000000-0, got 'soon'"),
        ] {
            #expect(throws: SpecError.self) { _ = try Self.source(config) }
            do {
                _ = try Self.source(config)
            } catch {
                #expect("\(error)" == message)
            }
        }
    }
}
