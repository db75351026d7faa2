import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SluiceCore
import SluiceTestSupport
import Testing

/// Hostile inputs sent to one real server, one after another; each must get its exact status
/// and a message naming the path or byte at fault, and the server must answer `GET /health`
/// after every one of them.
@Suite struct AttackSuiteTests {
    /// Numbers no config key can take: past a double's range once parsed as a double, past
    /// Int64, 30 digits, and hugely negative.
    static let hugeNumbers = ["1e300", "18446744073709551616", "123456789012345678901234567890", "-1e300"]

    /// `{"a":{"b":value}}` for the dotted key `a.b`.
    static func nested(_ dottedKey: String, _ value: String) -> String {
        dottedKey.split(separator: ".").reversed().reduce(value) { inner, key in #"{"\#(key)":\#(inner)}"# }
    }

    /// Every path a refusal names (`error.path` and each of `errors`).
    static func paths(_ reply: ServerHarness.Reply) -> [String] {
        let all = reply.json["errors"].arrayValue?.compactMap { $0["path"].stringValue } ?? []
        return [reply.json["error"]["path"].stringValue].compactMap { $0 } + all
    }

    /// The message of the refusal naming `path`.
    static func message(at path: String, in reply: ServerHarness.Reply) -> String? {
        if reply.json["error"]["path"].stringValue == path { return reply.json["error"]["message"].stringValue }
        return reply.json["errors"].arrayValue?.first { $0["path"].stringValue == path }?["message"].stringValue
    }

    /// Sends raw bytes on a connection of their own and reads the answer to the end.
    static func raw(_ server: ServerHarness, _ request: String) async throws -> RawConnection.Reading {
        let connection = try RawConnection(port: server.port)
        #expect(connection.send(request))
        return await connection.readUntilClosed()
    }

    @Test func hostileRequestsAreRefusedPreciselyAndTheServerStaysUp() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        func expectHealthy(after attack: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let health = try await server.request(.GET, "/health", headers: ["Connection": "close"])
            #expect(health.status == 200, "GET /health after \(attack)", sourceLocation: sourceLocation)
        }
        let out = dir.file("out.json")
        let fileSource = #"{"type":"file","config":{"path":"\#(dir.file("in.json"))"}}"#
        let fileTarget = #"{"type":"file","config":{"path":"\#(out)"}}"#

        // Every integer and number key of every component, given numbers out of any range.
        let catalogue = try await server.request(.GET, "/components")
        #expect(catalogue.status == 200)
        var probed = 0
        for (kind, place) in [("sources", "source"), ("targets", "target"), ("transforms", "transforms[0]")] {
            for component in catalogue.json[kind].arrayValue ?? [] {
                let name = component["name"].stringValue ?? ""
                for key in component["config"].arrayValue ?? [] {
                    let type = key["type"].stringValue ?? ""
                    guard let dotted = key["key"].stringValue, !dotted.contains("[]"),
                        type.hasPrefix("an integer") || type.hasPrefix("a number")
                    else { continue }
                    for number in Self.hugeNumbers {
                        let config = Self.nested(dotted, number)
                        let body: String
                        switch place {
                        case "source": body = #"{"name":"n","source":{"type":"\#(name)","config":\#(config)},"target":\#(fileTarget)}"#
                        case "target": body = #"{"name":"n","source":\#(fileSource),"target":{"type":"\#(name)","config":\#(config)}}"#
                        default: body = #"{"name":"n","source":\#(fileSource),"transforms":[{"operation":"\#(name)","config":\#(config)}],"target":\#(fileTarget)}"#
                        }
                        let reply = try await server.request(.POST, "/jobs", body: body)
                        let path = "\(place).config.\(dotted)"
                        #expect(reply.status == 400, "\(path) = \(number)")
                        let message = Self.message(at: path, in: reply)
                        #expect(message?.hasPrefix("\(path): expected \(type.hasPrefix("an integer") ? "an integer" : "a number")") == true, "\(path) = \(number): \(reply.text)")
                        #expect(message?.contains(", found ") == true, "\(path) = \(number): \(reply.text)")
                        try await expectHealthy(after: "\(path) = \(number)")
                        probed += 1
                    }
                }
            }
        }
        #expect(probed >= 4 * 25, "the catalogue has at least 25 numeric keys, each tried four ways")

        // The named cases, with their exact messages.
        let pool = try await server.request(
            .POST, "/jobs",
            body: #"{"name":"n","source":{"type":"postgres","config":{"host":"db","database":"d","table":"t","pool":{"idleTimeoutSeconds":1e300}}},"target":\#(fileTarget)}"#)
        #expect(pool.status == 400)
        #expect(pool.json["error"]["path"] == "source.config.pool.idleTimeoutSeconds")
        #expect(pool.json["error"]["message"] == "source.config.pool.idleTimeoutSeconds: expected a number from 0.001 to 86400, found 1e+300")
        try await expectHealthy(after: "pool.idleTimeoutSeconds 1e300")
        let connect = try await server.request(
            .POST, "/jobs",
            body: #"{"name":"n","source":{"type":"mysql","config":{"host":"db","database":"d","table":"t","connectTimeoutSeconds":1e300}},"target":\#(fileTarget)}"#)
        #expect(connect.status == 400)
        #expect(Self.message(at: "source.config.connectTimeoutSeconds", in: connect) == "source.config.connectTimeoutSeconds: expected a number from 0.001 to 3600, found 1e+300")
        try await expectHealthy(after: "connectTimeoutSeconds 1e300")
        let batch = try await server.request(
            .POST, "/jobs", body: #"{"name":"n","source":\#(fileSource),"target":{"type":"file","config":{"path":"\#(out)"},"batchSize":18446744073709551616}}"#)
        #expect(batch.status == 400)
        #expect(batch.json["error"]["message"] == "target.batchSize: expected an integer from 1 to 1000000, found 1.8446744073709552e+19")
        try await expectHealthy(after: "batchSize past UInt64")

        // A schedule's retry policy, finite and beyond a double.
        let job = #"{"name":"n","source":\#(fileSource),"target":\#(fileTarget)}"#
        let finite = try await server.request(
            .POST, "/schedules",
            body: #"{"id":"s","interval":"1h","job":\#(job),"retryPolicy":{"maxRetries":1,"retryDelay":10,"backoffMultiplier":1e300}}"#)
        #expect(finite.status == 400)
        #expect(finite.json["error"]["message"] == "retryPolicy.backoffMultiplier: expected a number from 1 to 1000, found 1e+300")
        try await expectHealthy(after: "backoffMultiplier 1e300")
        let beyondSchedule = #"{"id":"s","interval":"1h","job":\#(job),"retryPolicy":{"maxRetries":1,"retryDelay":10,"backoffMultiplier":1e400}}"#
        let schedule = try await server.request(.POST, "/schedules", body: beyondSchedule)
        #expect(schedule.status == 400)
        let scheduleOffset = try #require(beyondSchedule.utf8.firstRange(of: "1e400".utf8)).lowerBound
        #expect(
            schedule.json["error"]["message"]
                == .string(
                    "request body is not valid JSON: invalid JSON at byte \(beyondSchedule.utf8.distance(from: beyondSchedule.utf8.startIndex, to: scheduleOffset)): number out of range (a double reaches about ±1.8e308)"))
        try await expectHealthy(after: "backoffMultiplier 1e400")
        // Where no range is declared (a filter's value), the parser refuses it by its offset.
        let beyondJob = #"{"name":"n","source":\#(fileSource),"transforms":[{"operation":"filter","config":{"field":"a","operator":"gt","value":-1e400}}],"target":\#(fileTarget)}"#
        let filter = try await server.request(.POST, "/jobs", body: beyondJob)
        #expect(filter.status == 400)
        let jobOffset = try #require(beyondJob.utf8.firstRange(of: "-1e400".utf8)).lowerBound
        #expect(
            filter.json["error"]["message"]
                == .string(
                    "request body is not valid JSON: invalid JSON at byte \(beyondJob.utf8.distance(from: beyondJob.utf8.startIndex, to: jobOffset)): number out of range (a double reaches about ±1.8e308)"))
        try await expectHealthy(after: "filter value -1e400")

        // Broken HTTP framing: a chunk size that is not hex, and one past 2^63.
        for size in ["zz", "FFFFFFFFFFFFFFFFFF"] {
            let answer = try await Self.raw(
                server,
                "POST /jobs HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\n{}\r\n0\r\n\r\n")
            #expect(answer.closed)
            #expect(answer.text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "chunk size \(size)")
            #expect(answer.text.hasSuffix(#"{"error":{"message":"malformed HTTP request: invalid character in chunk size header","path":null}}"# + "\n"))
            try await expectHealthy(after: "chunk size \(size)")
        }

        // Bodies that are not JSON objects the API can read.
        let plain = try await RequestHygieneTests.post(server.port, "/jobs", body: Array(job.utf8), contentType: "text/plain")
        #expect(plain.0 == 415)
        #expect(plain.1["error"]["message"] == "request bodies must be sent with Content-Type: application/json, got 'text/plain'")
        try await expectHealthy(after: "text/plain")
        let badUTF8 = try await RequestHygieneTests.post(
            server.port, "/jobs", body: Array(#"{"name":"a"#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8), contentType: "application/json")
        #expect(badUTF8.0 == 400)
        #expect(badUTF8.1["error"]["message"] == "request body is not valid UTF-8 at byte 10")
        try await expectHealthy(after: "invalid UTF-8")
        let deepArrays = try await server.request(.POST, "/jobs", body: String(repeating: "[", count: 600) + String(repeating: "]", count: 600))
        #expect(deepArrays.status == 400)
        #expect(deepArrays.json["error"]["message"] == "request body is not valid JSON: invalid JSON at byte 512: nesting deeper than 512 levels")
        try await expectHealthy(after: "600 nested arrays")
        let deepObjects = try await server.request(.POST, "/jobs", body: String(repeating: #"{"a":"#, count: 600) + "1" + String(repeating: "}", count: 600))
        #expect(deepObjects.status == 400)
        #expect(deepObjects.json["error"]["message"] == "request body is not valid JSON: invalid JSON at byte 2560: nesting deeper than 512 levels")
        try await expectHealthy(after: "600 nested objects")
        let empty = try await server.request(.POST, "/jobs", body: "")
        #expect(empty.status == 400)
        #expect(empty.json["error"]["message"] == "request body is empty; expected a JSON object")
        try await expectHealthy(after: "an empty body")
        let truncated = try await server.request(.POST, "/jobs", body: #"{"name":"x","source":{"type""#)
        #expect(truncated.status == 400)
        #expect(truncated.json["error"]["message"] == "request body is not valid JSON: invalid JSON at byte 28: expected ':' after key")
        try await expectHealthy(after: "truncated JSON")
        let notJSON = try await server.request(.POST, "/jobs", body: "source=a.csv&target=b.json")
        #expect(notJSON.status == 400)
        #expect(notJSON.json["error"]["message"] == "request body is not valid JSON: invalid JSON at byte 0: unexpected character 's'")
        try await expectHealthy(after: "a form body")
        let huge = try await server.request(.POST, "/jobs", body: #"{"name":""# + String(repeating: "x", count: 20 << 20) + #""}"#)
        #expect(huge.status == 413)
        #expect(huge.json["error"]["message"] == "request body is larger than 16 MB (SLUICE_MAX_BODY_MB)")
        try await expectHealthy(after: "a 20 MB body")
        try await server.stop()
    }

    @Test func specFilesRefuseNumbersBeyondADoubleToo() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let text = #"{"name":"x","source":{"type":"file","config":{"path":"in.csv"}},"transforms":[{"operation":"filter","config":{"field":"a","operator":"lt","value":1e400}}],"target":{"type":"file","config":{"path":"out.json"}}}"#
        let spec = try dir.write("spec.json", text)
        let result = try await CommandLineTests.sluice(["validate", spec], environment: ["SLUICE_DATA_DIRS": dir.path])
        #expect(result.status == 1)
        let offset = text.utf8.count - #"1e400}}],"target":{"type":"file","config":{"path":"out.json"}}}"#.utf8.count
        #expect(result.stderr.contains("\(spec): invalid JSON at byte \(offset): number out of range (a double reaches about ±1.8e308)"), "\(result.stderr)")
    }

    @Test func invalidUTF8InAFileGoesToTheDeadLetterQueueOrIsReplaced() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var csv = Array("id,name\n1,caf".utf8)
        csv += [0xC3]
        csv += Array("\n2,ok\n".utf8)
        try Data(csv).write(to: URL(fileURLWithPath: dir.file("in.csv")))
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        func job(_ mode: String?, _ output: String) -> String {
            let option = mode.map { #","invalidUtf8":"\#($0)""# } ?? ""
            return #"{"name":"u","source":{"type":"file","config":{"path":"\#(dir.file("in.csv"))"\#(option)}},"target":{"type":"file","config":{"path":"\#(dir.file(output))","format":"ndjson"}}}"#
        }
        let rejected = try await server.request(.POST, "/jobs", body: job(nil, "rejected.ndjson"))
        #expect(rejected.status == 200)
        #expect(rejected.json["stats"]["recordsLoaded"] == 1)
        #expect(rejected.json["stats"]["recordsErrored"] == 1)
        let dlq = try await server.request(.GET, "/dlq")
        #expect(dlq.json["count"] == 1)
        #expect(dlq.json["failed"][0]["error"] == "line 2: invalid UTF-8 in field 'name' at byte 3 of the field")
        #expect(dlq.json["failed"][0]["position"] == 2)
        #expect(dlq.json["failed"][0]["record"]["name"] == "caf\u{FFFD}")
        #expect(try dir.read("rejected.ndjson") == #"{"id":2,"name":"ok"}"# + "\n")
        let replaced = try await server.request(.POST, "/jobs", body: job("replace", "replaced.ndjson"))
        #expect(replaced.json["stats"]["recordsLoaded"] == 2)
        #expect(replaced.json["stats"]["recordsErrored"] == 0)
        #expect(try dir.read("replaced.ndjson") == #"{"id":1,"name":"caf\#u{FFFD}"}"# + "\n" + #"{"id":2,"name":"ok"}"# + "\n")
        let typo = try await server.request(.POST, "/jobs", body: job("ignore", "typo.ndjson"))
        #expect(typo.status == 400)
        #expect(typo.json["error"]["path"] == "source.config.invalidUtf8")
        #expect(typo.json["error"]["message"] == "source.config.invalidUtf8: unknown value 'ignore'; expected one of reject, replace")
        #expect(try await server.request(.GET, "/health").status == 200)
        try await server.stop()
    }
}

/// Cross-origin requests: no CORS header at all unless `SLUICE_CORS_ORIGINS` lists the
/// origin, and then only for that origin.
@Suite struct CORSTests {
    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let text: String

        /// The `Access-Control-*` headers, lowercased names.
        var accessControl: [String: String] {
            var found: [String: String] = [:]
            for (name, value) in headers where name.lowercased().hasPrefix("access-control-") { found[name.lowercased()] = value }
            return found
        }
    }

    static func send(_ port: Int, _ method: HTTPMethod, _ path: String, headers: [String: String]) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await patientClient.execute(request, timeout: .seconds(600))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return Answer(status: Int(response.status.code), headers: response.headers, text: text)
    }

    static let preflight = ["Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"]

    @Test func withoutTheSettingNoCORSHeaderIsSent() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(stateDir: dir)
        let origin = ["Origin": "https://app.example.com"]
        let get = try await Self.send(server.port, .GET, "/jobs", headers: origin)
        #expect(get.status == 200)
        #expect(get.accessControl == [:])
        let options = try await Self.send(server.port, .OPTIONS, "/jobs", headers: origin.merging(Self.preflight) { a, _ in a })
        #expect(options.status == 404)
        #expect(options.accessControl == [:])
        let health = try await Self.send(server.port, .GET, "/health", headers: origin)
        #expect(health.accessControl == [:])
        try await server.stop()
    }

    @Test func onlyListedOriginsGetCORSHeaders() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(
            stateDir: dir,
            environment: ["SLUICE_CORS_ORIGINS": "https://app.example.com, http://localhost:3000", "SLUICE_API_TOKEN": "t0ken"])
        // The preflight carries no token and is answered before authentication.
        let listed = try await Self.send(
            server.port, .OPTIONS, "/jobs", headers: ["Origin": "http://localhost:3000"].merging(Self.preflight) { a, _ in a })
        #expect(listed.status == 204)
        #expect(listed.accessControl == [
            "access-control-allow-origin": "http://localhost:3000",
            "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
            "access-control-allow-headers": "authorization, content-type",
        ])
        #expect(listed.headers["Vary"] == ["Origin"])
        let answered = try await Self.send(
            server.port, .GET, "/jobs", headers: ["Origin": "https://app.example.com", "Authorization": "Bearer t0ken"])
        #expect(answered.status == 200)
        #expect(answered.accessControl == ["access-control-allow-origin": "https://app.example.com"])
        // An error answer carries the header too, so the page can read why.
        let refusedToken = try await Self.send(server.port, .GET, "/jobs", headers: ["Origin": "https://app.example.com"])
        #expect(refusedToken.status == 401)
        #expect(refusedToken.accessControl == ["access-control-allow-origin": "https://app.example.com"])

        let unlisted = try await Self.send(
            server.port, .OPTIONS, "/jobs", headers: ["Origin": "https://evil.example"].merging(Self.preflight) { a, _ in a })
        #expect(unlisted.status == 403)
        #expect(unlisted.accessControl == [:])
        #expect(unlisted.text == #"{"error":{"message":"origin 'https://evil.example' is not allowed to call this API (SLUICE_CORS_ORIGINS)","path":null}}"# + "\n")
        // Close but not equal: another scheme, port or a trailing slash is another origin.
        for near in ["http://app.example.com", "https://app.example.com:8443", "https://app.example.com/", "null"] {
            let answer = try await Self.send(server.port, .GET, "/jobs", headers: ["Origin": near, "Authorization": "Bearer t0ken"])
            #expect(answer.status == 200)
            #expect(answer.accessControl == [:], "\(near)")
        }
        let noOrigin = try await Self.send(server.port, .GET, "/health", headers: [:])
        #expect(noOrigin.accessControl == [:])
        try await server.stop()
    }
}
