import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// Every source's and target's documented example runs through the engine (planner and
/// runner) and gives exactly what `docs/reference.md` shows:
///
/// - a file source reads its `files` (under `{dir}`) and yields `output`;
/// - the API source is pointed at a stand-in HTTP server that serves `{dir}` (its `files`) on
///   `{port}`, checks an `Authorization` header against `${env:SLUICE_SECRET_SHOP_API_TOKEN}` and refuses a
///   POST whose body is not JSON;
/// - the `sse` and `websocket` sources are pointed at a stand-in server on `{port}` that
///   serves the example's file named by the URL's path (an event stream as it is; for a
///   WebSocket each line a message, sent once the `subscribe` message, if any, has arrived and
///   matches the example's) and then holds the connection open, with the same token check;
/// - a database source reads the table the test first loads with the example's `input` (through
///   a target of the same kind) and yields `output`;
/// - `postgres_cdc` creates its slot in a first run, then the test loads `input` and the second
///   run yields `output`, compared without `lsn`, `xid` and `commitTime`, which differ on every
///   server;
/// - a `redis_stream` source reads a redis-server of the test's own on `{port}`, whose streams
///   are the example's `files` (the file's name the stream's key, each line an entry's fields,
///   `_id` its ID), with an ACL user `loader` whose password is `${env:SLUICE_SECRET_REDIS_PASSWORD}`;
///   a `redis_stream` target writes `input` there and the stream's entries read back are `output`;
/// - a `nats_jetstream` source reads a nats-server of the test's own on `{port}`, whose stream
///   (the example's `stream`) takes the subjects the example's `files` are named after, each
///   line a message published in file-name order; a `nats_jetstream` target writes `input` into
///   a stream taking its `subject` and the stored messages, as `subject`, `msgId` and `data`,
///   are `output`. An example whose URL signs in gets a server with the user `loader` whose
///   password is `${env:SLUICE_SECRET_NATS_PASSWORD}`;
/// - a file target writes `input` and leaves exactly the files of `writes` (byte for byte) and
///   nothing else; a database target writes `input` and the rows read back (SQLite's in rowid
///   order, a server's ordered by their first column) are `output`.
///
/// PostgreSQL and MySQL examples name `postgres://etl@localhost:5432/shop` and
/// `mysql://etl@localhost:3306/shop`; the test puts the test servers' URLs in their place
/// (keeping the example's URL parameters) and answers `${env:SLUICE_SECRET_PGPASSWORD}` and
/// `${env:SLUICE_SECRET_MYSQL_PASSWORD}` with the test servers' passwords. Their tables and slots get a
/// unique suffix, taken off again in the records compared. Without the test servers the
/// database examples fail with instructions (see ``TestDatabases``).
@Suite struct ConnectorExamplesTests {
    static let registry = ComponentRegistry.builtIn

    @Test func everyConnectorHasAnExample() {
        let sources = Self.registry.sourceTypes.filter { Self.registry.declaration(.source, $0)?.examples.isEmpty ?? true }
        let targets = Self.registry.targetTypes.filter { Self.registry.declaration(.target, $0)?.examples.isEmpty ?? true }
        #expect(sources == [])
        #expect(targets == [])
    }

    @Test(arguments: ComponentRegistry.builtIn.sourceTypes)
    func sourceExamplesGiveTheirDocumentedOutput(type: String) async throws {
        let declaration = try #require(Self.registry.declaration(.source, type))
        for example in declaration.examples {
            let expected = try #require(example.output, "\(type): \(example.title) has no output")
            let got: String
            switch type {
            case "file": got = try await Self.runFileSource(example)
            case "api": got = try await Self.runAPISource(example)
            case "sse", "websocket": got = try await Self.runStreamSource(type, example)
            case "redis_stream": got = try await Self.runRedisSource(example)
            case "nats_jetstream": got = try await Self.runNATSSource(example)
            case "sqlite", "postgres", "mysql": got = try await Self.runDatabaseSource(type, example)
            case "postgres_cdc": got = try await Self.runChangeDataCapture(example)
            default:
                Issue.record("no example runner for source type '\(type)'; add one to ConnectorExamplesTests")
                continue
            }
            let volatile: Set<String> = type == "postgres_cdc" ? ["lsn", "xid", "commitTime"] : []
            let (written, documented) = (try Self.compact(got, dropping: volatile), try Self.compact(expected, dropping: volatile))
            #expect(written == documented, "\(type): \(example.title)")
        }
    }

    @Test(arguments: ComponentRegistry.builtIn.targetTypes)
    func targetExamplesWriteTheirDocumentedResult(type: String) async throws {
        let declaration = try #require(Self.registry.declaration(.target, type))
        for example in declaration.examples {
            switch type {
            case "file":
                try await Self.runFileTarget(example)
            case "http":
                let expected = try #require(example.output, "\(type): \(example.title) has no output")
                let got = try await Self.runHTTPTarget(example)
                #expect(try Self.compact(got) == (try Self.compact(expected)), "\(type): \(example.title)")
            case "redis_stream":
                let expected = try #require(example.output, "\(type): \(example.title) has no output")
                let got = try await Self.runRedisTarget(example)
                #expect(try Self.compact(got) == (try Self.compact(expected)), "\(type): \(example.title)")
            case "nats_jetstream":
                let expected = try #require(example.output, "\(type): \(example.title) has no output")
                let got = try await Self.runNATSTarget(example)
                #expect(try Self.compact(got) == (try Self.compact(expected)), "\(type): \(example.title)")
            case "sqlite", "postgres", "mysql":
                let expected = try #require(example.output, "\(type): \(example.title) has no output")
                let got = try await Self.runDatabaseTarget(type, example)
                let (written, documented) = (try Self.compact(got), try Self.compact(expected))
                #expect(written == documented, "\(type): \(example.title)")
            default:
                Issue.record("no example runner for target type '\(type)'; add one to ConnectorExamplesTests")
            }
        }
    }

    // MARK: - Files and APIs

    static func runFileSource(_ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        try bench.writeFiles(example)
        return try await bench.read(source: "file", config: bench.expand(example.config), what: example.title)
    }

    static func runAPISource(_ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        try bench.writeFiles(example)
        let (server, port) = try await startServer(serving: bench.dir.path)
        return try await withAsyncCleanup {
            let config = bench.expand(example.config).replacingOccurrences(of: "http://localhost:{port}", with: "http://127.0.0.1:\(port)")
            return try await bench.read(source: "api", config: config, what: example.title)
        } cleanup: {
            // SIGKILL: a test process may have SIGTERM ignored, and children inherit ignored signals.
            await server.killAndWait()
        }
    }

    static func runFileTarget(_ example: ComponentExample) async throws {
        let bench = try Bench()
        defer { bench.remove() }
        try bench.writeFiles(example)
        let input = try #require(example.input, "file: \(example.title) has no input")
        try await bench.write(input, target: "file", config: bench.expand(example.config), what: example.title)
        for (name, content) in example.writes.sorted(by: { $0.key < $1.key }) {
            #expect(try bench.dir.read(name) == content, "file: \(example.title): \(name)")
        }
        // Nothing else is left behind: no temporary file, no stray output.
        #expect(bench.dir.listFiles() == Set(example.files.keys).union(example.writes.keys).sorted(), "file: \(example.title)")
    }

    /// Sends the example's `input` to a stand-in endpoint that keeps each request's body (a
    /// JSON array or object, or NDJSON lines as an array) and refuses a wrong `Authorization`;
    /// returns the bodies received, one JSON value per request (an array of them when a
    /// request carried several records, the records themselves for one per request).
    static func runHTTPTarget(_ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        let input = try #require(example.input, "http: \(example.title) has no input")
        let (server, port) = try await startServer(serving: bench.dir.path, script: receiver)
        return try await withAsyncCleanup {
            let config = bench.expand(example.config).replacingOccurrences(of: "http://localhost:{port}", with: "http://127.0.0.1:\(port)")
            try await bench.write(input, target: "http", config: config, what: example.title)
            return try String(contentsOfFile: bench.dir.file("received.json"), encoding: .utf8)
        } cleanup: {
            await server.killAndWait()
        }
    }

    /// The stand-in endpoint of the `http` target's examples: appends each request's body to
    /// `received.json` in the directory it is given.
    static let receiver = #"""
        import json, os, sys
        from http.server import BaseHTTPRequestHandler, HTTPServer
        root = sys.argv[1]
        received = []
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def take(self):
                auth = self.headers.get('Authorization')
                body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
                if auth is not None and auth != 'Bearer example-token':
                    self.send_response(401); self.send_header('Content-Length', '0'); self.end_headers(); return
                if self.headers.get('Content-Type') == 'application/x-ndjson':
                    value = [json.loads(line) for line in body.decode().splitlines() if line]
                else:
                    value = json.loads(body)
                received.append(value)
                with open(os.path.join(root, 'received.json'), 'w') as f: json.dump(received, f)
                self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
            do_POST = take
            do_PUT = take
            do_PATCH = take
        s = HTTPServer(('127.0.0.1', 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """#

    /// The stand-in API: serves the files of `directory` by name to GET and POST, answers 401
    /// to a wrong `Authorization` header and 400 to a POST whose body is not JSON.
    static let server = #"""
        import json, os, sys
        from http.server import BaseHTTPRequestHandler, HTTPServer
        root = sys.argv[1]
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def send(self, code, data):
                self.send_response(code); self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data))); self.end_headers(); self.wfile.write(data)
            def answer(self):
                auth = self.headers.get('Authorization')
                if auth is not None and auth != 'Bearer example-token': return self.send(401, b'{"error": "bad token"}')
                path = os.path.join(root, os.path.basename(self.path.split('?')[0]))
                if not os.path.isfile(path): return self.send(404, b'{"error": "not found"}')
                with open(path, 'rb') as f: self.send(200, f.read())
            def do_GET(self): self.answer()
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
                if self.headers.get('Content-Type') != 'application/json': return self.send(415, b'{}')
                try: json.loads(body)
                except ValueError: return self.send(400, b'{"error": "body is not JSON"}')
                self.answer()
        s = HTTPServer(('127.0.0.1', 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """#

    /// Starts `script` serving `directory` and waits (outside the cooperative pool) for the
    /// port it prints.
    static func startServer(serving directory: String, script: String = server) async throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, directory]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let line = try await out.fileHandleForReading.firstLine()
        return (process, Int(String(decoding: line, as: UTF8.self)) ?? 0)
    }

    // MARK: - Databases

    /// Loads `input` into the example's table, then reads it with the example's config.
    static func runDatabaseSource(_ type: String, _ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        let server = try DatabaseServer(type)
        let names = try UniqueNames(example.config, unique: type != "sqlite")
        return try await withAsyncCleanup {
            let config = server.rewrite(names.apply(bench.expand(example.config)))
            let table = try #require(names.tables.first, "\(type): \(example.title) names no table")
            let input = try #require(example.input, "\(type): \(example.title) has no input")
            try await bench.load(input, into: type, config: server.loadConfig(table: table, example: config), what: example.title)
            return names.revert(try await bench.read(source: type, config: config, what: example.title))
        } cleanup: {
            await server.drop(tables: names.tables)
        }
    }

    /// Writes `input` with the example's config, then reads the table back (see ``DatabaseServer/readBackConfig(table:example:)``).
    static func runDatabaseTarget(_ type: String, _ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        let server = try DatabaseServer(type)
        let names = try UniqueNames(example.config, unique: type != "sqlite")
        return try await withAsyncCleanup {
            let config = server.rewrite(names.apply(bench.expand(example.config)))
            let table = try #require(names.tables.first, "\(type): \(example.title) names no table")
            let input = try #require(example.input, "\(type): \(example.title) has no input")
            try await bench.write(input, target: type, config: config, what: example.title)
            return names.revert(try await bench.read(source: type, config: server.readBackConfig(table: table, example: config), what: example.title))
        } cleanup: {
            await server.drop(tables: names.tables)
        }
    }

    /// Creates the table (from `input`, keyed on its first field, then emptied), lets a first
    /// run create the slot, loads `input` and reads the changes with a second run.
    static func runChangeDataCapture(_ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        let url = try TestDatabases.postgresCDCURL()
        let names = try UniqueNames(example.config, unique: true)
        let config = DatabaseServer.rewrite(names.apply(example.config), example: "postgres://etl@localhost:5432/shop", with: url)
        let table = try #require(names.tables.first, "postgres_cdc: \(example.title) names no table")
        let slot = try #require(names.slot, "postgres_cdc: \(example.title) names no slot")
        return try await withAsyncCleanup {
            let input = try #require(example.input, "postgres_cdc: \(example.title) has no input")
            guard case .array(let rows) = try JSONParser.parse(input), let key = rows.first?.objectValue?.keys.first else {
                throw ExampleFailure("postgres_cdc: \(example.title): input is not an array of records")
            }
            let target = #"{"url": "\#(url)", "table": "\#(table)", "keys": ["\#(key)"]}"#
            try await bench.load(input, into: "postgres", config: target, what: example.title)
            _ = try await CommandLineClient.psql(url, "TRUNCATE \(table)")  // before the slot exists: not captured
            let first = try await bench.read(source: "postgres_cdc", config: config, what: example.title + " (creating the slot)")
            #expect(try compact(first) == "[]", "postgres_cdc: \(example.title): the run creating the slot read \(first)")
            try await bench.load(input, into: "postgres", config: target, what: example.title)
            return names.revert(try await bench.read(source: "postgres_cdc", config: config, what: example.title))
        } cleanup: {
            _ = try? await CommandLineClient.psql(url, "SELECT pg_drop_replication_slot('\(slot)')")
            _ = try? await CommandLineClient.psql(url, "DROP TABLE IF EXISTS \(table); DROP PUBLICATION IF EXISTS sluice_\(slot)")
        }
    }

    // MARK: - Comparing

    /// `text` parsed and written compactly (key order and `1` versus `1.0` count), without
    /// the `volatile` fields of its records.
    static func compact(_ text: String, dropping volatile: Set<String> = []) throws -> String {
        let value = try JSONParser.parse(text)
        guard !volatile.isEmpty, case .array(let records) = value else { return JSONText.string(value) }
        return JSONText.string(.array(records.map { record in
            guard case .object(let object) = record else { return record }
            return .object(ValueObject(object.pairs.filter { !volatile.contains($0.0) }))
        }))
    }
}

/// A failure of the test's own setup, with what went wrong.
struct ExampleFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The directories of one example run: `dir` is the example's `{dir}` (its `files`, and
/// what targets write), `scratch` holds the test's own input and output files.
struct Bench {
    let dir: TemporaryDirectory
    let scratch: TemporaryDirectory
    /// Plans example runs: batches of two, so even small examples cross batch boundaries.
    let planner: JobPlanner
    /// Plans the test's loading runs, in one batch, so created tables type their columns from every row.
    let loader: JobPlanner

    init() throws {
        dir = try TemporaryDirectory(prefix: "sluice-example")
        scratch = try TemporaryDirectory(prefix: "sluice-example-io")
        let roots = DataRoots([dir.path, scratch.path])
        let environment = try Self.environment()
        // The examples' variables follow the default SLUICE_SECRET_ENV, so they run on a default server.
        planner = JobPlanner(registry: .builtIn, dataRoots: roots, batchSize: 2, environment: environment, secretNames: .standard)
        loader = JobPlanner(registry: .builtIn, dataRoots: roots, batchSize: 1000, environment: environment, secretNames: .standard)
    }

    /// What the examples' `${env:…}` references stand for.
    static func environment() throws -> [String: String] {
        func password(_ variable: String) -> String {
            guard let url = ProcessInfo.processInfo.environment[variable], let parts = URLComponents(string: url) else { return "" }
            return parts.password ?? ""
        }
        return [
            "SLUICE_SECRET_PGPASSWORD": password("SLUICE_TEST_POSTGRES_URL"),
            "SLUICE_SECRET_MYSQL_PASSWORD": password("SLUICE_TEST_MARIADB_URL"),
            "SLUICE_SECRET_SHOP_API_TOKEN": "example-token",
            "SLUICE_SECRET_REDIS_PASSWORD": ConnectorExamplesTests.redisExamplePassword,
            "SLUICE_SECRET_NATS_PASSWORD": ConnectorExamplesTests.natsExamplePassword,
        ]
    }

    func remove() {
        dir.remove()
        scratch.remove()
    }

    func expand(_ config: String) -> String { config.replacingOccurrences(of: "{dir}", with: dir.path) }

    func writeFiles(_ example: ComponentExample) throws {
        for (name, content) in example.files { try dir.write(name, content) }
    }

    /// Runs `source` into a JSON file and returns the file's text.
    func read(source type: String, config: String, what: String) async throws -> String {
        let output = scratch.file("output-\(UUID().uuidString.prefix(8)).json")
        try await run(
            #"{"type": "\#(type)", "config": \#(config)}"#, #"{"type": "file", "config": {"path": "\#(output)"}}"#, planner, what)
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    /// Runs the records of `input` into the example's target.
    func write(_ input: String, target type: String, config: String, what: String) async throws {
        let file = try scratch.write("input-\(UUID().uuidString.prefix(8)).json", input)
        try await run(
            #"{"type": "file", "config": {"path": "\#(file)"}}"#, #"{"type": "\#(type)", "config": \#(config)}"#, planner, what)
    }

    /// Loads the records of `input` into a table, as the test's own setup.
    func load(_ input: String, into type: String, config: String, what: String) async throws {
        let file = try scratch.write("load-\(UUID().uuidString.prefix(8)).json", input)
        try await run(
            #"{"type": "file", "config": {"path": "\#(file)"}}"#, #"{"type": "\#(type)", "config": \#(config)}"#, loader,
            what + " (loading the input)")
    }

    private func run(_ source: String, _ target: String, _ planner: JobPlanner, _ what: String) async throws {
        let job = #"{"name": "example", "source": \#(source), "target": \#(target)}"#
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(job))
        let plan: JobPlan
        do {
            plan = try planner.plan(spec)
        } catch {
            throw ExampleFailure("\(what): the job does not plan: \(error)")
        }
        let outcome = await JobRunner.run(plan, settings: RunSettings(workers: 2), logger: Logger(label: "examples"))
        if let failure = outcome.failure { throw ExampleFailure("\(what): the job failed: \(failure)") }
        guard outcome.stats.recordsErrored == 0 else { throw ExampleFailure("\(what): records were refused: \(outcome.rejections)") }
    }
}

/// The server a database example talks to, and how the test loads and reads its tables.
struct DatabaseServer {
    let type: String
    /// The test server's URL (nil for SQLite).
    let url: String?

    init(_ type: String) throws {
        self.type = type
        switch type {
        case "postgres": url = try TestDatabases.postgresURL()
        case "mysql": url = try TestDatabases.mariadbURL()
        default: url = nil
        }
    }

    /// The example's own URL, which ``rewrite(_:)`` replaces.
    var exampleURL: String? {
        switch type {
        case "postgres": return "postgres://etl@localhost:5432/shop"
        case "mysql": return "mysql://etl@localhost:3306/shop"
        default: return nil
        }
    }

    /// `config` with the example's URL replaced by the test server's.
    func rewrite(_ config: String) -> String {
        guard let url, let exampleURL else { return config }
        return Self.rewrite(config, example: exampleURL, with: url)
    }

    /// `config` with `example` (and the URL parameters after it) replaced by `url` with those
    /// parameters added to its own.
    static func rewrite(_ config: String, example: String, with url: String) -> String {
        var text = Substring(config)
        var out = ""
        while let found = text.range(of: example) {
            out += text[..<found.lowerBound]
            var rest = text[found.upperBound...]
            var parameters = ""
            if rest.first == "?" {
                let end = rest.firstIndex(of: "\"") ?? rest.endIndex
                parameters = String(rest[rest.index(after: rest.startIndex)..<end])
                rest = rest[end...]
            }
            out += parameters.isEmpty ? url : url + (url.contains("?") ? "&" : "?") + parameters
            text = rest
        }
        return out + text
    }

    /// Where the test loads a source example's input: the example's file, or the test server.
    func loadConfig(table: String, example config: String) throws -> String {
        guard let url else {
            let path = try #require(try JSONParser.parse(config).objectValue?["path"]?.stringValue)
            return #"{"path": "\#(path)", "table": "\#(table)"}"#
        }
        return #"{"url": "\#(url)", "table": "\#(table)"}"#
    }

    /// How the test reads a target example's table back: a SQLite table whole, in rowid order
    /// (a query's columns would lose their declared types, BOOLEAN say); a server's table
    /// ordered by its first column.
    func readBackConfig(table: String, example config: String) throws -> String {
        guard let url else {
            let path = try #require(try JSONParser.parse(config).objectValue?["path"]?.stringValue)
            return #"{"path": "\#(path)", "table": "\#(table)"}"#
        }
        return #"{"url": "\#(url)", "query": "SELECT * FROM \#(table) ORDER BY 1"}"#
    }

    /// Drops the tables an example made on a test server.
    func drop(tables: [String]) async {
        guard let url, !tables.isEmpty else { return }
        let sql = "DROP TABLE IF EXISTS \(tables.joined(separator: ", "))"
        switch type {
        case "postgres": _ = try? await CommandLineClient.psql(url, sql)
        case "mysql": _ = try? await CommandLineClient.mariadb(url, sql)
        default: break
        }
    }
}

/// The tables (and slot) an example names, each with a unique stand-in so that examples and
/// test runs never share a table on the test servers.
struct UniqueNames {
    /// Example name → name used in this run.
    private(set) var replacements: [(example: String, unique: String)] = []

    /// The names used in this run of the example's tables, the one to load first.
    var tables: [String] { tableNames.map(unique) }
    /// The name used in this run of the example's slot.
    var slot: String? { slotName.map(unique) }

    private var tableNames: [String] = []
    private var slotName: String?

    /// Finds the names in `config`: `table`, the first element of `tables`, the table after
    /// `FROM` in `query`, and `slot`; `unique: false` keeps them (a SQLite file is the test's own).
    init(_ config: String, unique: Bool) throws {
        let object = try JSONParser.parse(config).objectValue ?? ValueObject()
        if let table = object["table"]?.stringValue { tableNames.append(table) }
        if let first = object["tables"]?.arrayValue?.first?.stringValue { tableNames.append(first) }
        if let query = object["query"]?.stringValue, let table = Self.tableAfterFrom(query) { tableNames.append(table) }
        slotName = object["slot"]?.stringValue
        let suffix = String(UInt32.random(in: 0...UInt32.max))
        for name in tableNames + (slotName.map { [$0] } ?? []) where !replacements.contains(where: { $0.example == name }) {
            replacements.append((name, unique ? "\(name)_\(suffix)" : name))
        }
    }

    private func unique(_ name: String) -> String { replacements.first { $0.example == name }?.unique ?? name }

    /// `text` with each name, as a whole word, replaced by its stand-in.
    func apply(_ text: String) -> String {
        replacements.reduce(text) { Self.replacingWord($1.example, with: $1.unique, in: $0) }
    }

    /// `text` with the stand-ins turned back into the example's names.
    func revert(_ text: String) -> String {
        replacements.reduce(text) { $0.replacingOccurrences(of: $1.unique, with: $1.example) }
    }

    static func tableAfterFrom(_ query: String) -> String? {
        let words = query.split(whereSeparator: { $0.isWhitespace })
        guard let index = words.firstIndex(where: { $0.uppercased() == "FROM" }), index + 1 < words.count else { return nil }
        return String(words[index + 1].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    static func replacingWord(_ word: String, with replacement: String, in text: String) -> String {
        func isWordCharacter(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
        var out = ""
        var rest = Substring(text)
        while let found = rest.range(of: word) {
            let before = found.lowerBound > text.startIndex ? text[text.index(before: found.lowerBound)] : nil
            let after = found.upperBound < text.endIndex ? text[found.upperBound] : nil
            out += rest[..<found.lowerBound]
            out += isWordCharacter(before) || isWordCharacter(after) ? word : replacement
            rest = rest[found.upperBound...]
        }
        return out + rest
    }
}
