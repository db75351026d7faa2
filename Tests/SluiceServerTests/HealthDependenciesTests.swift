import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// `GET /health` lists the circuit breaker of every endpoint jobs have called; a job that
/// meets an open circuit fails fast naming it. The last error shows only to a caller with the
/// API token, since `/health` answers without one.
@Suite struct HealthDependenciesTests {
    @Test func anOpenCircuitShowsInHealthAndInTheNextJobsError() async throws {
        let api = try await LoopbackServer.api()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path, "SLUICE_API_TOKEN": "t0ken"])
        let auth = ["Authorization": "Bearer t0ken"]
        let job = #"""
            {"name": "down", "source": {"type": "api", "config": {"url": "\#(api.base)/down?status=503&token=hunter2",
             "retry": {"maxRetries": 0}, "circuitBreaker": {"failureThreshold": 1, "cooldownMs": 600000}}},
             "target": {"type": "file", "config": {"path": "\#(dir.file("out.json"))"}}}
            """#
        let answer = #"api:\#(api.base)/down answered HTTP 503 Service Unavailable: {"error": "the database is on fire"}"#
        let first = try await server.request(.POST, "/jobs", body: job, headers: auth)
        #expect(first.json["job"]["status"] == "failed")
        #expect(first.json["job"]["error"].stringValue == answer)
        let second = try await server.request(.POST, "/jobs", body: job, headers: auth)
        let error = second.json["job"]["error"].stringValue ?? ""
        #expect(error.hasPrefix("circuit open for 127.0.0.1:\(api.port) until "))
        #expect(error.hasSuffix("Z after 1 failure: \(answer)"))

        let open = try await server.request(.GET, "/health")
        #expect(open.status == 200)
        #expect(open.json["dependencies"].arrayValue?.count == 1)
        let dependency = open.json["dependencies"][0]
        #expect(dependency["endpoint"] == .string("127.0.0.1:\(api.port)"))
        #expect(dependency["circuit"] == "open")
        #expect(dependency["consecutiveFailures"] == 1)
        #expect(dependency["openUntil"].stringValue?.hasSuffix("Z") == true)
        #expect(dependency["lastError"] == .null)
        #expect(dependency.objectValue?.keys.contains("lastError") == false)
        let detailed = try await server.request(.GET, "/health", headers: auth)
        #expect(detailed.json["dependencies"][0]["lastError"].stringValue == answer)
        // The query (it may carry credentials) appears nowhere.
        #expect(!open.text.contains("hunter2") && !detailed.text.contains("hunter2") && !second.text.contains("hunter2"))
        try await server.stop()
    }
}
