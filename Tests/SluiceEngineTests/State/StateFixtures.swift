import Foundation
import SluiceCore
import Testing

@testable import SluiceEngine

/// A fresh directory under the system temp dir, removed by `remove()`.
struct StateTestDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Opens a store on a new file, runs `body`, closes the store and removes the directory.
func withStateStore(_ body: (SQLiteStateStore, StateTestDirectory) async throws -> Void) async throws {
    let directory = try StateTestDirectory()
    defer { directory.remove() }
    let store = try await SQLiteStateStore.open(path: directory.file("state.db"))
    do {
        try await body(store, directory)
    } catch {
        try await store.close()
        throw error
    }
    try await store.close()
}

enum StateFixtures {
    /// A job spec whose keys are in the order `JobSpec` encodes them, so its stored text
    /// must equal this text exactly; `config` keys are deliberately not alphabetical.
    static let specJSON =
        #"{"id":"job_1","name":"Customer sync","source":{"id":"customers","type":"file","config":{"path":"in.csv","zeta":{"z":1,"a":[1,2.5,null,true,"x\"y"]},"alpha":false},"#
        + #""schema":{"fields":[{"name":"id","type":"number","nullable":false,"validators":[{"type":"min","value":0,"message":"too small"}]}],"required":["id"],"strictMode":true}},"#
        + #""transforms":[{"field":"amount","operation":"filter","config":{"zeta":1,"alpha":"x"}},{"operation":"map","config":{}}],"#
        + #""target":{"id":"warehouse","type":"file","config":{"path":"out.json"},"batchSize":100}}"#

    static func spec() throws -> JobSpec {
        try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(specJSON))
    }

    static func stats() -> JobStats {
        JobStats(
            startTime: 1_699_380_000_000, endTime: 1_699_380_001_234, recordsExtracted: 10, recordsTransformed: 8,
            recordsLoaded: 7, recordsErrored: 3,
            errors: [
                RecordError(record: ["id": 1, "name": "Ann", "tags": ["a", nil]], error: "id must be at least 2", position: 2, stage: "validation"),
                RecordError(record: ["b": 1.5, "a": .object(ValueObject())], error: "target refused"),
            ],
            phases: PhaseTimings(extractionMs: 12.5, transformationMs: 3.25, loadingMs: 100),
            bytesRead: 4096, bytesWritten: 1234)
    }

    static func job(id: String, createdAt: Int64, status: JobStatus = .completed, stats: JobStats? = nil) throws -> JobRecord {
        var spec = try spec()
        spec.id = id
        return JobRecord(id: id, name: "job \(id)", status: status, spec: spec, stats: stats, createdAt: createdAt)
    }
}
