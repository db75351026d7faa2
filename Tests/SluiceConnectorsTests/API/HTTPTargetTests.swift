import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// The `http` target against the stand-in API's ingest endpoint, which keeps every body it
/// accepts, refuses with a 422 a request holding a record marked `bad`, and can fail a
/// request's first attempt.
@Suite struct HTTPTargetTests {
    static func batch(_ ids: ClosedRange<Int>, bad: Set<Int> = []) -> RecordBatch {
        let records = ids.map { id -> ValueObject in
            var record = ValueObject([("id", .int(id)), ("name", .string("n\(id)"))])
            if bad.contains(id) { record["bad"] = .bool(true) }
            return record
        }
        return RecordBatch(records: records, positions: Array(ids))
    }

    static func writer(_ config: Value, jobId: String = "job-1") async throws -> any TargetWriter {
        let decoded = try ValueDecoder().decode(HTTPTarget.Config.self, from: config)
        let target = try HTTPTarget(config: decoded, context: ComponentContext(dataRoots: DataRoots(["/tmp"]), jobId: jobId))
        return try await target.open(batchSize: nil)
    }

    /// The ids of each accepted body.
    static func received(_ server: LoopbackServer) async throws -> [[Int]] {
        try await server.requests().received.map { body in
            guard case .array(let items) = body else { return [] }
            return items.map { item in if case .object(let o) = item, case .int(let id)? = o["id"] { return id } else { return -1 } }
        }
    }

    @Test func batchesAsJSONArraysOrNDJSON() async throws {
        let server = try await LoopbackServer.api()
        for format in ["json", "ndjson"] {
            try await server.reset()
            let writer = try await Self.writer(["url": .string("\(server.base)/ingest"), "format": .string(format), "batchSize": 4])
            let (bytes, rejected) = try await writer.writeReportingRejections(Self.batch(1...10))
            try await writer.commit()
            #expect(rejected.isEmpty)
            #expect(try await Self.received(server) == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]], "\(format)")
            let log = try await server.requests().log
            #expect(log.map(\.method) == ["POST", "POST", "POST"])
            #expect(Set(log.map(\.contentType)) == [format == "json" ? "application/json" : "application/x-ndjson"])
            #expect(bytes == log.reduce(0) { $0 + ($1.body?.utf8.count ?? 0) })
        }
        try await server.reset()
        let single = try await Self.writer(["url": .string("\(server.base)/ingest"), "format": "record", "method": "PUT"])
        _ = try await single.write(Self.batch(1...3))
        #expect(try await Self.received(server) == [[1], [2], [3]])
        #expect(try await server.requests().log.map(\.method) == ["PUT", "PUT", "PUT"])
    }

    @Test func refusedRecordsGoToTheDeadLetterQueueAndTheRestIsSent() async throws {
        let server = try await LoopbackServer.api()
        let writer = try await Self.writer(["url": .string("\(server.base)/ingest"), "batchSize": 3, "retry": ["maxRetries": 3, "retryDelay": 0]])
        let (_, rejected) = try await writer.writeReportingRejections(Self.batch(1...9, bad: [5]))
        #expect(try await Self.received(server) == [[1, 2, 3], [7, 8, 9]])
        #expect(rejected.map(\.position) == [4, 5, 6])
        #expect(Set(rejected.map(\.stage)) == ["target"])
        #expect(Set(rejected.map(\.message)) == [#"HTTP 422: Unprocessable Entity: {"error": "bad record", "ids": [5]}"#])
        // A 422 is not retried.
        #expect(try await server.requests().log.count == 3)
    }

    @Test func aRetriedRequestKeepsItsIdempotencyKey() async throws {
        let server = try await LoopbackServer.api()
        let writer = try await Self.writer(
            ["url": .string("\(server.base)/ingest?flaky=1"), "batchSize": 2, "idempotencyHeader": "Idempotency-Key", "retry": ["maxRetries": 2, "retryDelay": 0]],
            jobId: "job-42")
        _ = try await writer.write(Self.batch(1...4))
        #expect(try await Self.received(server) == [[1, 2], [3, 4]])
        #expect(try await server.requests().log.map { $0.idempotencyKey ?? "" } == ["job-42-1", "job-42-1", "job-42-2", "job-42-2"])
    }

    @Test func anEndpointThatStaysDownFailsTheWrite() async throws {
        let server = try await LoopbackServer.api()
        let writer = try await Self.writer(["url": .string("\(server.base)/down?status=502"), "retry": ["maxRetries": 1, "retryDelay": 0]])
        let failure = await APITest.failure { _ = try await writer.write(Self.batch(1...2)) }
        #expect(failure == #"http:\#(server.base)/down answered HTTP 502 Bad Gateway: {"error": "the database is on fire"} (after 2 attempts)"#)
    }
}
