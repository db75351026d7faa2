import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Runs every worked example request against a real server on a free port, with a local
/// HTTP server standing in for api.example.com, and checks status codes, bodies, output
/// files and the DLQ against independent oracles; then restarts the server on the same state.
@Suite struct WorkedExamplesTests {
    @Test func everyWorkedExampleEndToEndAndAcrossRestart() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let dataPath = RepositoryFiles.path("sample-data.json")
        let sample = try JSONParser.parse(try RepositoryFiles.text("sample-data.json"))
        let records = try #require(sample.arrayValue)
        #expect(records.count == 300)

        // The api.example.com stand-in: customers are the sample records with string ids.
        let customers: Value = .array(records.map { record in
            guard case .object(var o) = record else { return record }
            if case .int(let id)? = o["id"] { o["id"] = .string(String(id)) }
            return .object(o)
        })
        let sales = Self.salesData(count: 240)
        let api = try await FakeAPIServer.start(customers: customers, sales: sales, token: "token123")
        let env = ["SLUICE_DATA_DIRS": "\(dir.path):\(RepositoryFiles.root)"]
        var server = try await ServerHarness.start(stateDir: dir, environment: env)

        // Example 1: Simple ETL Job.
        let r1 = try await server.request(.POST, "/jobs", body: ExampleBodies.fill(ExampleBodies.example1, data: dataPath, out: dir.path))
        #expect(r1.status == 200)
        #expect(r1.json["job"]["status"] == "completed")
        #expect(r1.json["job"]["name"] == "CSV to JSON")
        #expect(r1.json["stats"]["recordsExtracted"] == 300)
        #expect(r1.json["stats"]["recordsLoaded"] == 300)
        #expect(r1.json["stats"]["recordsErrored"] == 0)
        #expect((r1.json["stats"]["resources"]["peakMemoryMB"].number ?? 0) > 0)
        #expect((r1.json["stats"]["resources"]["workers"].number ?? 0) >= 1)
        #expect((r1.json["stats"]["throughput"]["extraction"]["recordsPerSecond"].number ?? 0) > 0)
        #expect(try JSONParser.parse(try dir.read("output.json")) == sample)
        let job1 = try #require(r1.json["job"]["id"].stringValue)
        #expect(job1.hasPrefix("job_"))

        // Example 2: schema, filter, aggregate; DuckDB is the oracle.
        let expected2 = try await Oracles.example2(dataPath: dataPath)
        let r2 = try await server.request(.POST, "/jobs", body: ExampleBodies.fill(ExampleBodies.example2, data: dataPath, out: dir.path))
        #expect(r2.status == 200)
        #expect(r2.json["job"]["status"] == "completed")
        #expect(r2.json["stats"]["recordsExtracted"] == 300)
        #expect(r2.json["stats"]["recordsErrored"] == .int(expected2.invalid))
        #expect(r2.json["stats"]["recordsLoaded"] == .int(expected2.groups.count))
        let errors2 = try #require(r2.json["stats"]["errors"].arrayValue)
        #expect(errors2.count == expected2.invalid)
        #expect(errors2.contains { $0["error"] == "Missing required field: email" })
        let aggregated = try #require(try JSONParser.parse(try dir.read("aggregated.json")).arrayValue)
        #expect(aggregated.count == expected2.groups.count)
        for row in aggregated {
            let region = try #require(row["region"].stringValue)
            let oracle = try #require(expected2.groups[region])
            #expect(close(row["order_total"].number ?? .nan, oracle.0), "sum for \(region)")
            #expect(row["id"] == .int(oracle.1), "count for \(region)")
        }
        let job2 = try #require(r2.json["job"]["id"].stringValue)

        // The "POST /jobs" request: API source with a bearer token, schema, filter, map.
        let expectedCustomers = try await Oracles.customers(JSONText.string(customers))
        let r3 = try await server.request(
            .POST, "/jobs", body: ExampleBodies.fill(ExampleBodies.customerMigration, out: dir.path, api: api.baseURL))
        #expect(r3.status == 200)
        #expect(r3.json["job"]["status"] == "completed")
        #expect(r3.json["job"]["source"]["config"]["headers"]["Authorization"] == "***")
        #expect(!r3.text.contains("token123"))
        #expect(r3.json["stats"]["recordsExtracted"] == 300)
        #expect(r3.json["stats"]["recordsErrored"] == .int(expectedCustomers.invalid))
        #expect(r3.json["stats"]["recordsLoaded"] == .int(expectedCustomers.output.count))
        let lines = try dir.read("customers_output.json").split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(lines == expectedCustomers.output)
        let errors3 = try #require(r3.json["stats"]["errors"].arrayValue)
        #expect(errors3.contains { $0["error"].stringValue?.contains("Invalid email format") == true })
        let job3 = try #require(r3.json["job"]["id"].stringValue)

        // "Extract and Transform Data": API source → filter → two-key aggregate.
        let expectedSales = try await Oracles.sales(JSONText.string(sales))
        let r4 = try await server.request(
            .POST, "/jobs", body: ExampleBodies.fill(ExampleBodies.extractTransform, out: dir.path, api: api.baseURL))
        #expect(r4.status == 200)
        #expect(r4.json["stats"]["recordsExtracted"] == 240)
        #expect(r4.json["stats"]["recordsLoaded"] == .int(expectedSales.count))
        let summary = try #require(try JSONParser.parse(try dir.read("sales_summary.json")).arrayValue)
        #expect(summary.count == expectedSales.count)
        for row in summary {
            let key = "\(row["region"].stringValue ?? "")|\(row["product"].stringValue ?? "")"
            let oracle = try #require(expectedSales[key])
            #expect(close(row["amount"].number ?? .nan, oracle.0))
            #expect(close(row["quantity"].number ?? .nan, oracle.1))
            #expect(row["transactions"] == .int(oracle.2))
        }

        // Example 3: schedules.
        let s1 = try await server.request(.POST, "/schedules", body: ExampleBodies.example3)
        #expect(s1.status == 201)
        #expect(s1.json["cron"] == "0 2 * * *")
        #expect(s1.json["retryPolicy"]["backoffMultiplier"] == 2)
        let duplicate = try await server.request(.POST, "/schedules", body: ExampleBodies.example3)
        #expect(duplicate.status == 409)
        let badCron = try await server.request(.POST, "/schedules", body: #"{"id":"x","name":"x","cron":"61 * * * *"}"#)
        #expect(badCron.status == 400)
        #expect(badCron.json["error"]["path"] == "cron")
        let schedules = try await server.request(.GET, "/schedules")
        #expect(schedules.json["count"] == 1)
        #expect(schedules.json["schedules"][0]["id"] == "daily_sync")
        #expect(schedules.json["schedules"][0]["enabled"] == true)

        // Example 4: lineage down to columns, and performance.
        let lineage = try await server.request(.GET, "/lineage/customers-api")
        #expect(lineage.status == 200)
        let nodeIDs = Set((lineage.json["nodes"].arrayValue ?? []).compactMap { $0[0].stringValue })
        #expect(nodeIDs == ["customers-api", "\(job3).transforms[0]", "\(job3).transforms[1]", "warehouse"])
        let edges = lineage.json["edges"].arrayValue ?? []
        #expect(edges.count == 3)
        let mapEdge = try #require(edges.first { $0["to"] == .string("\(job3).transforms[1]") })
        #expect(mapEdge["relationship"] == "consumes")
        let mapped = (mapEdge["fields"].arrayValue ?? []).map { "\($0["output"].stringValue ?? "")<-\($0["inputs"][0].stringValue ?? "")" }
        #expect(mapped == ["customer_id<-id", "email_address<-email", "customer_age<-age"])
        #expect(edges.contains { $0["to"] == "warehouse" && $0["relationship"] == "produces" })
        let unknownLineage = try await server.request(.GET, "/lineage/nothing-here")
        #expect(unknownLineage.status == 404)
        let performance = try await server.request(.GET, "/performance")
        for phase in ["extraction", "transformation", "loading"] {
            #expect(performance.json[phase]["count"] == 4, "\(phase) count")
            let stats = performance.json[phase]
            #expect((stats["min"].number ?? -1) <= (stats["avg"].number ?? -1))
            #expect((stats["avg"].number ?? -1) <= (stats["max"].number ?? -1))
            #expect((stats["p95"].number ?? -1) <= (stats["max"].number ?? -1))
            #expect((stats["recordsPerSecond"].number ?? 0) > 0, "\(phase) records/s")
        }

        // Example 5: the DLQ and its retry (validation failures fail again and stay).
        let dlq2 = try await server.request(.GET, "/dlq?jobId=\(job2)")
        #expect(dlq2.json["count"] == .int(expected2.invalid))
        #expect((dlq2.json["failed"].arrayValue ?? []).allSatisfy { $0["jobId"] == .string(job2) && $0["stage"] == "validation" })
        // The positions examples/README.md lists (1-based, from examples/expected_counts.py).
        let listed = try JSONParser.parse(try await Python.run(
            "import runpy, sys; sys.argv = [sys.argv[1], '--json']; runpy.run_path(sys.argv[0], run_name='__main__')",
            arguments: [RepositoryFiles.path("examples/expected_counts.py")]))
        let listedPositions = (listed["example2"]["rejected"].arrayValue ?? []).map { $0["position"] }
        #expect(listedPositions.count == expected2.invalid)
        #expect((dlq2.json["failed"].arrayValue ?? []).map { $0["position"] }.sorted { ($0.number ?? 0) < ($1.number ?? 0) } == listedPositions)
        let allDLQ = try await server.request(.GET, "/dlq")
        #expect(allDLQ.json["count"] == .int(expected2.invalid + expectedCustomers.invalid))
        let retry = try await server.request(.POST, "/dlq/retry/\(job2)")
        #expect(retry.status == 200)
        #expect(retry.json["retried"] == .int(expected2.invalid))
        #expect(retry.json["succeeded"] == 0)
        #expect(retry.json["failed"] == .int(expected2.invalid))
        let afterRetry = try await server.request(.GET, "/dlq?jobId=\(job2)")
        #expect(afterRetry.json["count"] == .int(expected2.invalid))
        let unknownRetry = try await server.request(.POST, "/dlq/retry/job_0")
        #expect(unknownRetry.status == 404)

        // Job listing and status.
        let list = try await server.request(.GET, "/jobs")
        #expect(list.json["count"] == 4)
        let shown = try await server.request(.GET, "/jobs/\(job1)")
        #expect(shown.json["status"] == "completed")
        #expect(shown.json["stats"]["recordsLoaded"] == 300)
        let health = try await server.request(.GET, "/health")
        #expect(health.json["status"] == "healthy")
        #expect(health.json["jobs"] == 4)
        #expect(health.json["dlqSize"] == .int(expected2.invalid + expectedCustomers.invalid))

        // Restart on the same state: everything is still there.
        try await server.stop()
        server = try await ServerHarness.start(stateDir: dir, environment: env)
        let listAfter = try await server.request(.GET, "/jobs")
        #expect(listAfter.json["count"] == 4)
        #expect((listAfter.json["jobs"].arrayValue ?? []).compactMap { $0["id"].stringValue } == [job1, job2, job3, r4.json["job"]["id"].stringValue ?? ""])
        let shownAfter = try await server.request(.GET, "/jobs/\(job3)")
        #expect(shownAfter.json["stats"]["recordsLoaded"] == .int(expectedCustomers.output.count))
        #expect(shownAfter.json["source"]["config"]["headers"]["Authorization"] == "***")
        let dlqAfter = try await server.request(.GET, "/dlq")
        #expect(dlqAfter.json["count"] == .int(expected2.invalid + expectedCustomers.invalid))
        let schedulesAfter = try await server.request(.GET, "/schedules")
        #expect(schedulesAfter.json["count"] == 1)
        let lineageAfter = try await server.request(.GET, "/lineage/warehouse")
        #expect(lineageAfter.status == 200)
        #expect((lineageAfter.json["nodes"].arrayValue ?? []).count == 4)
        let performanceAfter = try await server.request(.GET, "/performance")
        #expect(performanceAfter.json["loading"]["count"] == 4)
        let stateBytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("state.db")))
        #expect(stateBytes.range(of: Data("token123".utf8)) == nil, "a clear-text secret reached the state file")
        try await server.stop()
        await api.stop()
    }

    /// Deterministic sales records: region, product, amount (some at or below 100), quantity.
    static func salesData(count: Int) -> Value {
        var seed: UInt64 = 42
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        let regions = ["north", "south", "east", "west"]
        let products = ["widget", "gadget", "gizmo", "doohickey", "sprocket"]
        return .array((0..<count).map { i in
            let cents = Int(next() % 30_000) + 1
            let amount: Value = i % 17 == 0 ? .int(100) : .double(Double(cents) / 100 + 20)
            return [
                "id": .int(i + 1), "region": .string(regions[Int(next() % 4)]), "product": .string(products[Int(next() % 5)]),
                "amount": amount, "quantity": .int(Int(next() % 9) + 1),
            ]
        })
    }
}
