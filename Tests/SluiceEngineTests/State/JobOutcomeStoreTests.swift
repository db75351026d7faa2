import Foundation
import SQLiteNIO
import SluiceCore
import Testing

@testable import SluiceEngine

/// A finished run is recorded in one transaction: every part of it, or (when any part fails)
/// none, so a crash or a failing write can never leave dead letters without their job.
@Suite("SQLiteStateStore: job outcomes")
struct JobOutcomeStoreTests {
    static func outcome(_ id: String) -> JobOutcomeRecord {
        let spec = JobSpec(name: "n", source: SourceSpec(type: "file"), target: TargetSpec(type: "file"))
        let job = JobRecord(id: id, name: "n", status: .completed, spec: spec, stats: JobStats(startTime: 5), error: nil, createdAt: 5)
        return JobOutcomeRecord(
            job: job,
            deadLetters: [NewDeadLetter(jobId: id, record: ["a": 1], error: "bad", position: 1, stage: "validation", timestamp: 9)],
            lineage: LineageGraph(
                nodes: [LineageNode(id: "src_\(id)", type: "source", name: "s", jobId: id), LineageNode(id: "dst_\(id)", type: "target", name: "t", jobId: id)],
                edges: [LineageEdge(from: "src_\(id)", to: "dst_\(id)", relationship: "feeds", jobId: id)]),
            phaseDurations: [.extraction: 1.5, .transformation: 2, .loading: 3],
            recordedAt: 10,
            watermark: WatermarkRecord(key: "w_\(id)", cursorField: "at", watermark: Watermark(value: 7), jobId: id, updatedAt: 10))
    }

    @Test func everyPartIsRecorded() async throws {
        try await withStateStore { store, _ in
            try await store.recordOutcome(Self.outcome("job_1"))
            #expect(try await store.job(id: "job_1")?.status == .completed)
            #expect(try await store.deadLetters(jobId: "job_1").map(\.error) == ["bad"])
            #expect(try await store.lineage(of: "src_job_1")?.edges.count == 1)
            #expect(try await store.phaseDurations(.transformation) == [2])
            #expect(try await store.watermark(key: "w_job_1")?.watermark.value == 7)
        }
    }

    @Test func aFailingPartLeavesNoneOfTheOthers() async throws {
        try await withStateStore { store, _ in
            var pending = Self.outcome("job_2")
            pending.job.status = .running
            try await store.saveJob(pending.job)
            // The phase timings are written after the watermark, dead letters and lineage and
            // before the job: make that write fail.
            try await store.exclusive { connection in
                _ = try await connection.query(
                    "CREATE TRIGGER refuse BEFORE INSERT ON phase_durations BEGIN SELECT RAISE(ABORT, 'refused by test'); END")
            }
            await #expect(throws: (any Error).self) { try await store.recordOutcome(Self.outcome("job_2")) }
            #expect(try await store.job(id: "job_2")?.status == .running)
            #expect(try await store.deadLetters(jobId: "job_2") == [])
            #expect(try await store.lineage(of: "src_job_2") == nil)
            #expect(try await store.watermark(key: "w_job_2") == nil)
            #expect(try await store.phaseDurations(.loading) == [])
        }
    }
}
