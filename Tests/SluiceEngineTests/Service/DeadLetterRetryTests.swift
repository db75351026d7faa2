import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

@Suite struct DeadLetterRetryTests {
    @Test func passingRecordsLeaveTheDLQAndReachTheTargetFailingOnesStayWithTheirNewReason() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.json", #"[{"id":1,"email":"a@b.co"},{"id":2,"email":"bad"},{"id":3}]"#)
        let store = try await SQLiteStateStore.open(path: dir.file("state.db"))
        let planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 100, environment: [:])
        let service = JobService(store: store, planner: planner, logger: Logger(label: "test"))
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(#"""
        {"name":"r","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"},
          "schema":{"fields":[{"name":"id","type":"number","nullable":false},
                              {"name":"email","type":"string","nullable":false,"validators":[{"type":"pattern","value":"^[^@]+@[^@]+\\.[^@]+$"}]}],
                    "required":["id","email"]}},
         "transforms":[],"target":{"type":"file","config":{"path":"\#(dir.file("out.ndjson"))"}}}
        """#))
        let (record, plan) = try await service.submit(spec)
        let job = try await service.run(record, plan: plan)
        #expect(job.status == .completed)
        #expect(job.stats?.recordsLoaded == 1)
        #expect(try await store.deadLetters(jobId: job.id).count == 2)
        // A record that failed for a reason that has since gone away (say a transient
        // target error) is in the DLQ too; the retry must load it and remove it.
        try await store.addDeadLetters([
            NewDeadLetter(jobId: job.id, record: ["id": 4, "email": "d@e.fg"], error: "target unavailable", position: 4, stage: "target", timestamp: 1)
        ])
        let outcome = try await service.retryDeadLetters(jobId: job.id)
        #expect(outcome.retried == 3)
        #expect(outcome.failed == 2)
        #expect(outcome.succeeded == [ValueObject([("id", 4), ("email", "d@e.fg")])])
        let left = try await store.deadLetters(jobId: job.id)
        #expect(left.count == 2)
        #expect(left.map(\.error).sorted() == ["Field email: value 'bad' does not match pattern ^[^@]+@[^@]+\\.[^@]+$", "Missing required field: email"])
        #expect(try dir.read("out.ndjson") == "{\"id\":1,\"email\":\"a@b.co\"}\n{\"id\":4,\"email\":\"d@e.fg\"}\n")
        try await store.close()
    }
}
