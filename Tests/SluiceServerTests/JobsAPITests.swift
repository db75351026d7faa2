import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Invalid specs, asynchronous jobs and failed jobs through the HTTP API.
@Suite struct JobsAPITests {
    @Test func invalidSpecsAnswer400WithTheExactPath() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.json", "[]")
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let source = #"{"type":"file","config":{"path":"\#(dir.file("in.json"))"}}"#
        let target = #"{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}"#
        let cases: [(String, String, String)] = [
            (
                #"{"name":"x","source":\#(source),"transforms":[{"operation":"filter","config":{"field":"a","operator":"eq","value":1}},{"operation":"aggregate","config":{"groupBy":["region"],"aggregations":{"amount":"total"}}}],"target":\#(target)}"#,
                "transforms[1].config.aggregations.amount",
                "transforms[1].config.aggregations.amount: unknown aggregation 'total'; expected one of sum, avg, min, max, count, median, stddev, countDistinct, countNonNull, variance, variance_pop, stddev_pop, percentile, first, last, collect"
            ),
            (
                #"{"name":"x","source":\#(source),"transforms":[{"operation":"explode","config":{}}],"target":\#(target)}"#,
                "transforms[0].operation",
                "transforms[0].operation: unknown operation 'explode'; expected one of add, aggregate, cast, coerce, custom, dedupe, fillNulls, filter, flatten, join, limit, lookup, map, mask, normalize, pivot, remove, removeNulls, rename, sample, sanitize, select, sort, split, trim, unflatten, unpivot, window"
            ),
            (
                #"{"name":"x","source":{"type":"ftp","config":{}},"transforms":[],"target":\#(target)}"#,
                "source.type", "source.type: unknown source type 'ftp'; expected one of api, file, mysql, nats_jetstream, postgres, postgres_cdc, redis_stream, sqlite, sse, websocket"
            ),
            (
                #"{"name":"x","source":\#(source),"target":{"type":"file","config":{}}}"#,
                "target.config.path", "target.config.path: required field is missing"
            ),
            (
                #"{"name":"x","source":{"type":"file","config":{"path":"\#(dir.file("in.json"))"},"schema":{"fields":[{"name":"a","type":"int"}]}},"transforms":[],"target":\#(target)}"#,
                "source.schema.fields[0].type",
                "source.schema.fields[0].type: unknown type 'int'; expected one of string, number, boolean, date, array, object"
            ),
            (
                #"{"name":"x","transforms":[],"target":\#(target)}"#, "source", "source: required field is missing"
            ),
        ]
        for (body, path, message) in cases {
            let reply = try await server.request(.POST, "/jobs", body: body)
            #expect(reply.status == 400, "\(body)")
            #expect(reply.json["error"]["path"] == .string(path))
            #expect(reply.json["error"]["message"] == .string(message))
        }
        #expect(try await server.request(.GET, "/jobs").json["count"] == 0, "no job is recorded for an invalid spec")
        try await server.stop()
    }

    @Test func asyncJobsAnswer202AndFinishInTheBackground() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let rows = (1...5000).map { #"{"id":\#($0),"v":\#($0 % 7)}"# }.joined(separator: "\n")
        try dir.write("in.ndjson", rows)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let body = #"{"name":"bg","source":{"type":"file","config":{"path":"\#(dir.file("in.ndjson"))"}},"transforms":[{"operation":"filter","config":{"field":"v","operator":"eq","value":3}}],"target":{"type":"file","config":{"path":"\#(dir.file("out.csv"))"}}}"#
        let reply = try await server.request(.POST, "/jobs?async=true", body: body)
        #expect(reply.status == 202)
        let id = try #require(reply.json["job"]["id"].stringValue)
        var status = Value.null
        for _ in 0..<200 {
            status = try await server.request(.GET, "/jobs/\(id)").json
            if status["status"] == "completed" || status["status"] == "failed" { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(status["status"] == "completed")
        let expected = (1...5000).filter { $0 % 7 == 3 }
        #expect(status["stats"]["recordsLoaded"] == .int(expected.count))
        let csv = try dir.read("out.csv").split(separator: "\n")
        #expect(csv.first == "id,v")
        #expect(csv.dropFirst().map(String.init) == expected.map { "\($0),3" })
        try await server.stop()
    }

    @Test func aFailedJobLeavesTheOldTargetIntactAndNoTempFiles() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // Valid records first, then a syntax error the JSON reader cannot get past.
        let good = (1...10_000).map { #"{"n":\#($0)}"# }.joined(separator: ",")
        try dir.write("broken.json", "[\(good), {\"n\": ]")
        try dir.write("out.json", #"["previous contents"]"#)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path, "BATCH_SIZE": "100"])
        let body = #"{"name":"fails","source":{"type":"file","config":{"path":"\#(dir.file("broken.json"))"}},"transforms":[],"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"},"batchSize":10}}"#
        let reply = try await server.request(.POST, "/jobs", body: body)
        #expect(reply.status == 200)
        #expect(reply.json["job"]["status"] == "failed")
        #expect(reply.json["job"]["error"].stringValue?.isEmpty == false)
        #expect(try dir.read("out.json") == #"["previous contents"]"#)
        #expect(try dir.list().allSatisfy { !$0.hasSuffix(".tmp") })
        let missing = try await server.request(
            .POST, "/jobs",
            body: #"{"name":"missing","source":{"type":"file","config":{"path":"\#(dir.file("nope.json"))"}},"transforms":[],"target":{"type":"file","config":{"path":"\#(dir.file("out.json"))"}}}"#)
        #expect(missing.json["job"]["status"] == "failed")
        #expect(missing.json["job"]["error"].stringValue?.contains("nope.json") == true)
        try await server.stop()
    }
}
