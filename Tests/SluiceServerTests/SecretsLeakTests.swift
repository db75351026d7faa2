import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SluiceCore
import SluiceTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Plants random secret canaries everywhere a spec can hold a secret (`${env:…}` values in a
/// path, a header and a password; literal passwords in Postgres, MySQL and HTTP URLs; an
/// `api_key` query parameter; a literal `Authorization` header and password field), drives a
/// real `sluice serve` process through succeeding, failing, asynchronous, scheduled and
/// refused jobs, pipelines and schedules, then reads every endpoint, the whole stderr log and
/// every table of the state database: no canary may appear anywhere.
@Suite struct SecretsLeakTests {
    /// One canary: a random string that must never be shown.
    static func canary(_ label: String) -> String {
        "cnry\(label)" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    @Test func noCanaryReachesResponsesTheLogOrTheStateDatabase() async throws {
        let data = try TemporaryDirectory(prefix: "sluice-leak-data")
        let state = try TemporaryDirectory(prefix: "sluice-leak-state")
        defer {
            data.remove()
            state.remove()
        }
        let pathPart = Self.canary("path")  // ${env:SLUICE_SECRET_PATH}: a directory name
        let headerToken = Self.canary("header")  // ${env:SLUICE_SECRET_TOKEN}: a bearer token the API checks
        let dbPassword = Self.canary("dbpass")  // ${env:SLUICE_SECRET_DB}: a password field
        let notAllowed = Self.canary("other")  // OTHER_SECRET: set, but not allowed
        let pgURLPassword = Self.canary("pgurl")
        let mysqlURLPassword = Self.canary("myurl")
        let httpURLPassword = Self.canary("httpurl")
        let apiKey = Self.canary("apikey")
        let authorization = Self.canary("auth")
        let passwordField = Self.canary("pwfield")
        let canaries = [pathPart, headerToken, dbPassword, notAllowed, pgURLPassword, mysqlURLPassword, httpURLPassword, apiKey, authorization, passwordField]

        try FileManager.default.createDirectory(atPath: data.file(pathPart), withIntermediateDirectories: true)
        try data.write("\(pathPart)/in.json", #"[{"id": 1, "email": "a@x.io"}, {"id": 2}, {"id": 3, "email": "c@x.io"}]"#)
        let api = try await FakeAPIServer.start(customers: [["id": 1], ["id": 2]], sales: [], token: headerToken)
        let server = try await ServerProcess.start(
            environment: [
                "SLUICE_STATE": state.file("state.db"),
                "SLUICE_DATA_DIRS": data.path, "LOG_LEVEL": "debug", "SLUICE_SECRET_ENV": "SLUICE_SECRET_*",
                "SLUICE_SECRET_PATH": pathPart, "SLUICE_SECRET_TOKEN": headerToken, "SLUICE_SECRET_DB": dbPassword,
                "OTHER_SECRET": notAllowed,
            ],
            logPath: state.file("stderr.log"), workingDirectory: state.path)
        try await withAsyncCleanup {

            let envPath = data.path + "/${env:SLUICE_SECRET_PATH}/in.json"
            let schema = #""schema": {"fields": [{"name": "email", "type": "string", "nullable": false}]}"#
            let fileTarget = { (name: String) in #"{"id": "\#(name)", "type": "file", "config": {"path": "\#(data.file(name + ".json"))"}}"# }
            let unreachablePostgres = #"{"type": "postgres", "config": {"url": "postgres://etl@127.0.0.1:1/db", "password": "${env:SLUICE_SECRET_DB}", "table": "t"}}"#

            // A job whose path holds a resolved secret; one record goes to the dead-letter queue.
            let fileJob = #"{"name": "env path", "source": {"type": "file", "config": {"path": "\#(envPath)"}, \#(schema)}, "target": \#(fileTarget("out-file"))}"#
            let file = try await server.request(.POST, "/jobs", body: fileJob)
            #expect(file.status == 200)
            #expect(file.json["job"]["status"] == "completed")
            #expect(file.json["stats"]["recordsErrored"] == 1)
            #expect(file.json["job"]["source"]["config"]["path"] == .string(envPath), "the reference is shown, not its value")
            let fileJobID = try #require(file.json["job"]["id"].stringValue)

            // An API answering only with the right bearer token, and a literal api_key.
            let apiJob = #"""
                {"name": "api", "source": {"type": "api", "config": {"url": "\#(api.baseURL)/customers?api_key=\#(apiKey)&page=1",
                 "headers": {"Authorization": "Bearer ${env:SLUICE_SECRET_TOKEN}", "X-Trace": "visible"}}},
                 "target": \#(fileTarget("out-api"))}
                """#
            let apiRun = try await server.request(.POST, "/jobs", body: apiJob)
            #expect(apiRun.json["job"]["status"] == "completed")
            #expect(apiRun.json["stats"]["recordsLoaded"] == 2)
            #expect(apiRun.json["job"]["source"]["config"]["url"] == .string("\(api.baseURL)/customers?api_key=***&page=1"))

            // Failing connections: each error names its server, never the password.
            let failingSources = [
                unreachablePostgres,
                #"{"type": "postgres", "config": {"url": "postgres://etl:\#(pgURLPassword)@127.0.0.1:1/db", "table": "t"}}"#,
                #"{"type": "mysql", "config": {"url": "mysql://u:\#(mysqlURLPassword)@127.0.0.1:1/db", "table": "t"}}"#,
                #"{"type": "mysql", "config": {"url": "mysql://u@127.0.0.1:1/db", "password": "\#(passwordField)", "table": "t"}}"#,
                #"{"type": "api", "config": {"url": "http://u:\#(httpURLPassword)@127.0.0.1:1/x", "headers": {"Authorization": "Bearer \#(authorization)"}, "timeoutMs": 2000}}"#,
            ]
            var failedIDs: [String] = []
            for (index, source) in failingSources.enumerated() {
                let body = #"{"name": "failing \#(index)", "source": \#(source), "target": \#(fileTarget("out-fail"))}"#
                let reply = try await server.request(.POST, index % 2 == 0 ? "/jobs" : "/jobs?async=true", body: body)
                let id = try #require(reply.json["job"]["id"].stringValue, "\(reply.text)")
                failedIDs.append(id)
                #expect(try await server.finalStatus(ofJob: id) == "failed", "\(source)")
            }
            #expect(try await server.request(.GET, "/jobs/\(failedIDs[1])").json["error"].stringValue?.contains("postgres://etl@127.0.0.1:1/db") == true)

            // Refused specs.
            let denied = try await server.request(
                .POST, "/jobs", body: #"{"name": "x", "source": {"type": "file", "config": {"path": "/nonexistent/${env:SLUICE_SECRET_PATH}/x.json"}}, "target": \#(fileTarget("o"))}"#)
            #expect(denied.status == 403)
            #expect(denied.json["error"]["message"].stringValue?.contains("(from '/nonexistent/${env:SLUICE_SECRET_PATH}/x.json')") == true)
            let home = try await server.request(
                .POST, "/jobs", body: #"{"name": "x", "source": {"type": "file", "config": {"path": "${env:HOME}/x.json"}}, "target": \#(fileTarget("o"))}"#)
            #expect(home.status == 400)
            #expect(home.json["error"]["path"] == "source.config.path")
            #expect(home.json["error"]["message"] == "source.config.path: environment variable 'HOME' is not allowed in ${env:…}; allow it with SLUICE_SECRET_ENV (now: SLUICE_SECRET_*)")
            let other = try await server.request(
                .POST, "/jobs", body: #"{"name": "x", "source": {"type": "api", "config": {"url": "http://127.0.0.1:1/x", "headers": {"X-Key": "${env:OTHER_SECRET}"}}}, "target": \#(fileTarget("o"))}"#)
            #expect(other.status == 400)
            #expect(other.json["error"]["message"] == "source.config.headers.X-Key: environment variable 'OTHER_SECRET' is not allowed in ${env:…}; allow it with SLUICE_SECRET_ENV (now: SLUICE_SECRET_*)")
            let unset = try await server.request(
                .POST, "/jobs", body: #"{"name": "x", "source": {"type": "file", "config": {"path": "${env:SLUICE_SECRET_UNSET}"}}, "target": \#(fileTarget("o"))}"#)
            #expect(unset.status == 400)
            #expect(unset.json["error"]["message"] == "source.config.path: environment variable 'SLUICE_SECRET_UNSET' referenced by ${env:SLUICE_SECRET_UNSET} is not set")
            let badURL = try await server.request(
                .POST, "/jobs", body: #"{"name": "x", "source": {"type": "api", "config": {"url": "ftp://u:\#(httpURLPassword)@h/x"}}, "target": \#(fileTarget("o"))}"#)
            #expect(badURL.status == 400)
            #expect(badURL.json["error"]["message"] == "source.config.url: expected an http:// or https:// URL, got 'ftp://u:***@h/x'")
            let badParameter = try await server.request(
                .POST, "/jobs", body: #"{"name": "x", "source": {"type": "postgres", "config": {"url": "postgres://etl:\#(pgURLPassword)@h/db?foo=1", "table": "t"}}, "target": \#(fileTarget("o"))}"#)
            #expect(badParameter.status == 400)

            // A pipeline made of references is saved; one with a literal URL password is refused.
            let pipeline = try await server.request(
                .POST, "/pipelines", body: #"{"id": "pg", "name": "pg", "job": {"name": "pg", "source": \#(unreachablePostgres), "target": \#(fileTarget("out-pipe"))}}"#)
            #expect(pipeline.status == 201)
            let literalPipeline = try await server.request(
                .POST, "/pipelines",
                body: #"{"id": "lit", "name": "lit", "job": {"name": "lit", "source": \#(failingSources[1]), "target": \#(fileTarget("o"))}}"#)
            #expect(literalPipeline.status == 400)
            #expect(literalPipeline.json["error"]["path"] == "job.source.config.url")

            // Schedules: one runs the pipeline (and fails), one a job whose path holds a secret.
            #expect(try await server.request(.POST, "/schedules", body: #"{"id": "pg-run", "interval": "1h", "pipelineId": "pg"}"#).status == 201)
            #expect(try await server.request(.POST, "/schedules", body: #"{"id": "file-run", "interval": "1h", "job": \#(fileJob)}"#).status == 201)
            let literalSchedule = try await server.request(
                .POST, "/schedules",
                body: #"{"id": "lit", "interval": "1h", "job": {"name": "lit", "source": \#(failingSources[4]), "target": \#(fileTarget("o"))}}"#)
            #expect(literalSchedule.status == 400)
            #expect(literalSchedule.json["error"]["path"] == "job.source.config.url")
            #expect(try await server.request(.POST, "/schedules/pg-run/trigger").status == 202)
            #expect(try await server.request(.POST, "/schedules/file-run/trigger").status == 202)
            #expect(try await server.finalStatus(ofRunsOf: "pg-run") == "failed")
            #expect(try await server.finalStatus(ofRunsOf: "file-run") == "completed")

            // A stored spec made of references still runs: the dead letters are retried.
            let retry = try await server.request(.POST, "/dlq/retry/\(fileJobID)")
            #expect(retry.status == 200)
            #expect(retry.json["retried"] == 1)

            // Every read endpoint.
            for path in [
                "/jobs", "/jobs/\(fileJobID)", "/dlq", "/dlq?jobId=\(fileJobID)", "/pipelines", "/pipelines/pg", "/schedules",
                "/schedules/pg-run", "/schedules/file-run", "/schedules/pg-run/runs", "/schedules/file-run/runs", "/scheduler/queue",
                "/lineage/out-file", "/lineage/out-api", "/performance", "/health", "/watermarks",
            ] + failedIDs.map({ "/jobs/\($0)" }) {
                let reply = try await server.request(.GET, path)
                #expect(reply.status == 200, "\(path)")
            }
            let lineage = try await server.request(.GET, "/lineage/out-file")
            #expect(lineage.text.contains("/***/in.json"), "the source is named with the secret hidden: \(lineage.text)")

            await server.stop()
            await api.stop()
            let log = try String(contentsOfFile: server.logPath, encoding: .utf8)
            #expect(log.contains("\"message\":\"job run failed\""), "the log holds the failures")
            let database = try await Python.run(
                """
                import sqlite3, sys
                con = sqlite3.connect(sys.argv[1])
                for (name,) in con.execute("select name from sqlite_master where type = 'table' order by name"):
                    print("## " + name)
                    for row in con.execute('select * from "%s"' % name):
                        print(repr(row))
                """, arguments: [state.file("state.db")])
            #expect(database.contains("${env:SLUICE_SECRET_DB}"), "pipelines are stored with their references")
            #expect(database.components(separatedBy: "## ").count > 6, "every table is dumped")
            var stateBytes = Data()
            for name in try state.list() where name.hasPrefix("state.db") {
                stateBytes += try Data(contentsOf: URL(fileURLWithPath: state.file(name)))
            }
            for canary in canaries {
                #expect(!server.responses.contains(canary), "\(canary) in a response")
                #expect(!log.contains(canary), "\(canary) in the log")
                #expect(!database.contains(canary), "\(canary) in the state database")
                #expect(stateBytes.range(of: Data(canary.utf8)) == nil, "\(canary) in the state files' bytes")
            }
        } cleanup: {
            await server.stop()
        }
    }
}

/// Waiting for what the leak test started to finish.
extension ServerProcess {
    /// The status of job `id` once it is neither pending nor running.
    func finalStatus(ofJob id: String) async throws -> String? {
        for _ in 0..<1200 {
            let status = try await request(.GET, "/jobs/\(id)").json["status"].stringValue
            if status != "pending", status != "running" { return status }
            try await Task.sleep(for: .milliseconds(25))
        }
        return nil
    }

    /// The status of the schedule's latest run once it has finished.
    func finalStatus(ofRunsOf schedule: String) async throws -> String? {
        for _ in 0..<1200 {
            let status = try await request(.GET, "/schedules/\(schedule)/runs").json["runs"][0]["status"].stringValue
            if let status, status != "queued", status != "running" { return status }
            try await Task.sleep(for: .milliseconds(25))
        }
        return nil
    }
}
