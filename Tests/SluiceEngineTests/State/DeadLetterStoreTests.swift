import Foundation
import SluiceCore
import Testing

@testable import SluiceEngine

@Suite("SQLiteStateStore: dead-letter queue")
struct DeadLetterStoreTests {
    static let letters = [
        NewDeadLetter(jobId: "job_a", record: ["id": 1, "name": "x"], error: "id must be at least 2", position: 1, stage: "validation", timestamp: 1000),
        NewDeadLetter(jobId: "job_b", record: ["z": ["nested": [1, 2]], "a": nil], error: "target refused", stage: "target", timestamp: 1001),
        NewDeadLetter(jobId: "job_a", record: "just a string", error: "not an object", position: 7, stage: "transforms[0]", timestamp: 1002),
    ]

    @Test func roundTripAndFilterByJob() async throws {
        try await withStateStore { store, _ in
            try await store.addDeadLetters(Self.letters)
            let all = try await store.deadLetters(jobId: nil)
            #expect(
                all == [
                    DeadLetter(id: 1, jobId: "job_a", record: ["id": 1, "name": "x"], error: "id must be at least 2", position: 1, stage: "validation", timestamp: 1000),
                    DeadLetter(id: 2, jobId: "job_b", record: ["z": ["nested": [1, 2]], "a": nil], error: "target refused", position: nil, stage: "target", timestamp: 1001),
                    DeadLetter(id: 3, jobId: "job_a", record: "just a string", error: "not an object", position: 7, stage: "transforms[0]", timestamp: 1002),
                ])
            // Key order of records survives storage.
            #expect(all[1].record.objectValue?.keys == ["z", "a"])
            #expect(try await store.deadLetters(jobId: "job_a").map(\.id) == [1, 3])
            #expect(try await store.deadLetters(jobId: "job_b").map(\.id) == [2])
            #expect(try await store.deadLetters(jobId: "job_c") == [])
            #expect(try await store.deadLetterCount() == 3)
        }
    }

    @Test func removeAndUpdate() async throws {
        try await withStateStore { store, _ in
            try await store.addDeadLetters(Self.letters)
            try await store.removeDeadLetters(ids: [1, 42])
            try await store.removeDeadLetters(ids: [])
            #expect(try await store.deadLetters(jobId: nil).map(\.id) == [2, 3])
            try await store.updateDeadLetter(id: 3, error: "still not an object", stage: "retry", timestamp: 2000)
            #expect(
                try await store.deadLetters(jobId: "job_a")
                    == [DeadLetter(id: 3, jobId: "job_a", record: "just a string", error: "still not an object", position: 7, stage: "retry", timestamp: 2000)])
            await #expect(throws: StateStoreError.deadLetterNotFound(id: 1)) {
                try await store.updateDeadLetter(id: 1, error: "e", stage: "retry", timestamp: 1)
            }
            // Ids of removed letters are never reused.
            try await store.addDeadLetters([Self.letters[0]])
            #expect(try await store.deadLetters(jobId: nil).map(\.id) == [2, 3, 4])
            #expect(try await store.deadLetterCount() == 3)
        }
    }

    @Test func tenThousandLettersInOneCall() async throws {
        try await withStateStore { store, _ in
            let letters = (0..<10_000).map { (i: Int) -> NewDeadLetter in
                let record = Value.object(ValueObject([("i", .int(i)), ("tag", .string("row \(i)"))]))
                let position: Int? = i % 3 == 0 ? nil : i
                return NewDeadLetter(
                    jobId: i % 2 == 0 ? "even" : "odd", record: record, error: "error \(i)", position: position,
                    stage: "validation", timestamp: 1_700_000_000_000 + Int64(i))
            }
            try await store.addDeadLetters(letters)
            #expect(try await store.deadLetterCount() == 10_000)
            let odd = try await store.deadLetters(jobId: "odd")
            #expect(odd.count == 5000)
            #expect(odd.first == DeadLetter(id: 2, jobId: "odd", record: ["i": 1, "tag": "row 1"], error: "error 1", position: 1, stage: "validation", timestamp: 1_700_000_000_001))
            #expect(odd.last == DeadLetter(id: 10_000, jobId: "odd", record: ["i": 9999, "tag": "row 9999"], error: "error 9999", position: nil, stage: "validation", timestamp: 1_700_000_009_999))
            let all = try await store.deadLetters(jobId: nil)
            #expect(all.map(\.id) == (1...10_000).map { Int64($0) })
            #expect(all.map(\.position).filter { $0 == nil }.count == 3334)
            try await store.removeDeadLetters(ids: odd.map(\.id))
            #expect(try await store.deadLetterCount() == 5000)
            #expect(try await store.deadLetters(jobId: "odd") == [])
        }
    }
}
