import Foundation
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// The component contract as a user meets it over HTTP: every declared config key of every
/// registered component, misspelt, answers 400 at its exact path with the key that was meant;
/// the served JSON Schema is the one `sluice schema` prints, accepts every example and refuses
/// wrong specs under a real validator (Python's `jsonschema`); `GET /components` lists every
/// component with its keys.
@Suite(.serialized) struct SpecContractTests {
    /// A key one letter longer than `name`: a slip of the keyboard whose nearest declared key
    /// is `name` itself.
    static func misspelt(_ name: String) -> String { name + String(name.last ?? "x") }

    /// A job holding `config` for the `kind` component `name`, around a file source and target.
    static func job(_ kind: ComponentKind, _ name: String, config: Value) -> Value {
        let file: Value = ["type": "file", "config": ["path": "/tmp/sluice-contract-in.json"]]
        let out: Value = ["type": "file", "config": ["path": "/tmp/sluice-contract-out.json"]]
        switch kind {
        case .source: return ["name": "contract", "source": ["type": .string(name), "config": config], "target": out]
        case .transform:
            return ["name": "contract", "source": file, "transforms": [["operation": .string(name), "config": config]], "target": out]
        case .target: return ["name": "contract", "source": file, "target": ["type": .string(name), "config": config]]
        }
    }

    /// The first example's config of a component, or `{}`.
    static func exampleConfig(_ declaration: ComponentDeclaration) throws -> ValueObject {
        guard let text = declaration.examples.first?.config else { return ValueObject() }
        guard case .object(let object) = try JSONParser.parse(text.replacingOccurrences(of: "{dir}", with: "/tmp")) else {
            return ValueObject()
        }
        return object
    }

    static func prefix(_ kind: ComponentKind) -> String {
        switch kind {
        case .source: return "source.config"
        case .transform: return "transforms[0].config"
        case .target: return "target.config"
        }
    }

    @Test func everyMisspeltConfigKeyIsA400AtItsPath() async throws {
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let server = try await ServerHarness.start(stateDir: state)
        defer { Task { try await server.stop() } }
        let registry = ComponentRegistry.builtIn
        var checked = 0
        for kind in ComponentKind.allCases {
            for name in registry.names(kind) {
                let declaration = try #require(registry.declaration(kind, name))
                #expect(!declaration.config.isOpen, "\(kind) \(name) has no declared config")
                let base = try Self.exampleConfig(declaration)
                // Every top-level key, and every key of a nested object the example gives.
                var probes: [(path: [String], field: String, names: [String])] = declaration.config.fields.map { ([], $0.name, declaration.config.names) }
                for field in declaration.config.fields {
                    if case .object(let nested) = field.shape, case .object? = base[field.name] {
                        probes += nested.fields.map { ([field.name], $0.name, nested.names) }
                    }
                }
                for probe in probes {
                    let wrong = Self.misspelt(probe.field)
                    guard !probe.names.contains(wrong) else { continue }
                    var config = base
                    if let parent = probe.path.first, case .object(var nested)? = config[parent] {
                        nested[wrong] = .int(1)
                        config[parent] = .object(nested)
                    } else {
                        config[wrong] = .int(1)
                    }
                    let body = JSONText.string(Self.job(kind, name, config: .object(config)))
                    let reply = try await server.request(.POST, "/jobs", body: body)
                    let path = ([Self.prefix(kind)] + probe.path + [wrong]).joined(separator: ".")
                    #expect(reply.status == 400, "\(kind) \(name): \(path)")
                    let errors = reply.json["errors"].arrayValue ?? [reply.json["error"]]
                    let hit = errors.first { $0["path"] == .string(path) }
                    #expect(hit != nil, "\(kind) \(name): no error at \(path) in \(reply.text)")
                    #expect(
                        hit?["message"].stringValue?.contains("unknown key; did you mean '\(probe.field)'? expected one of ") == true,
                        "\(kind) \(name): \(hit?["message"] ?? .null)")
                    checked += 1
                }
            }
        }
        #expect(checked > 150)
    }

    @Test func typosOutsideComponentConfigsAreRefusedToo() async throws {
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let server = try await ServerHarness.start(stateDir: state)
        defer { Task { try await server.stop() } }
        let reply = try await server.request(.POST, "/jobs", body: #"""
            {"name": "t", "source": {"type": "file", "config": {"path": "/tmp/x.json"},
              "schema": {"fields": [{"name": "id", "type": "number", "nulable": false}], "strictmode": true}},
             "transfroms": [{"operation": "filter", "config": {"field": "a", "operator": "eq", "value": 1}}],
             "target": {"type": "file", "config": {"path": "/tmp/y.json"}, "batchsize": 10}}
            """#)
        #expect(reply.status == 400)
        #expect(reply.json["errors"] == [
            ["message": "source.schema.fields[0].nulable: unknown key; did you mean 'nullable'? expected one of name, type, nullable, validators",
             "path": "source.schema.fields[0].nulable"],
            ["message": "source.schema.strictmode: unknown key; did you mean 'strictMode'? expected one of fields, required, strictMode",
             "path": "source.schema.strictmode"],
            ["message": "transfroms: unknown key; did you mean 'transforms'? expected one of id, name, source, transforms, target, schema, timeoutMs, commitEvery, commitIntervalMs",
             "path": "transfroms"],
            ["message": "target.batchsize: unknown key; did you mean 'batchSize'? expected one of id, type, config, batchSize",
             "path": "target.batchsize"],
        ])
        let schedule = try await server.request(.POST, "/schedules", body: #"{"id": "s", "cron": "@daily", "retrypolicy": {"maxRetries": 1}, "overlap": "skipp", "pipelineId": "p"}"#)
        #expect(schedule.status == 400)
        #expect(schedule.json["errors"] == [
            ["message": "retrypolicy: unknown key; did you mean 'retryPolicy'? expected one of id, name, cron, interval, timeZone, enabled, retryPolicy, timeout, job, pipelineId, dependsOn, maxConcurrent, overlap, catchUp",
             "path": "retrypolicy"],
            ["message": "overlap: unknown value 'skipp'; did you mean 'skip'? expected one of skip, queue, allow", "path": "overlap"],
        ])
        let pipeline = try await server.request(.POST, "/pipelines", body: #"{"id": "p", "jobs": {}}"#)
        #expect(pipeline.status == 400)
        #expect(pipeline.json["errors"] == [
            ["message": "jobs: unknown key; did you mean 'job'? expected one of id, name, job", "path": "jobs"],
            ["message": "job: required field is missing", "path": "job"],
        ])
        let format = try await server.request(.POST, "/jobs", body: #"""
            {"name": "t", "source": {"type": "file", "config": {"path": "/tmp/x.json", "format": "xml"}},
             "target": {"type": "file", "config": {"path": "/tmp/y.json", "port": 1e300}}}
            """#)
        #expect(format.status == 400)
        #expect(format.json["errors"][0] == [
            "message": "source.config.format: unknown value 'xml'; expected one of json, ndjson, csv, parquet, avro, xlsx", "path": "source.config.format",
        ])
        #expect(!format.text.contains("Cannot initialize"))
    }

    @Test func servedSchemaIsThePrintedOneAndAcceptsExactlyTheValidSpecs() async throws {
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let server = try await ServerHarness.start(stateDir: state)
        defer { Task { try await server.stop() } }
        let served = try await server.request(.GET, "/schemas/job.json")
        #expect(served.status == 200)
        let printed = try await CommandLineTests.sluice(["schema"])
        #expect(printed.status == 0)
        #expect(try JSONParser.parse(printed.stdout) == served.json)
        let scheduleSchema = try await server.request(.GET, "/schemas/schedule.json")
        #expect(scheduleSchema.status == 200)
        #expect((try await server.request(.GET, "/schemas/nope.json")).status == 404)

        // Valid: every example job and schedule of the repository, and every component example
        // put into a job.
        var valid: [String: Value] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: RepositoryFiles.path("examples")) where file.hasSuffix(".json") {
            valid["examples/\(file)"] = try JSONParser.parse(try RepositoryFiles.text("examples/\(file)"))
        }
        let registry = ComponentRegistry.builtIn
        for kind in ComponentKind.allCases {
            for name in registry.names(kind) {
                for (index, example) in (registry.declaration(kind, name)?.examples ?? []).enumerated() {
                    let config = try JSONParser.parse(example.config.replacingOccurrences(of: "{dir}", with: "/tmp"))
                    valid["\(kind) \(name) example \(index + 1)"] = Self.job(kind, name, config: config)
                }
            }
        }
        // Invalid: one wrong thing each.
        let invalid: [String: String] = [
            "unknown operation": #"{"source": {"type": "file", "config": {"path": "a.json"}}, "transforms": [{"operation": "upperr"}], "target": {"type": "file", "config": {"path": "b.json"}}}"#,
            "unknown source type": #"{"source": {"type": "ftp", "config": {}}, "target": {"type": "file", "config": {"path": "b.json"}}}"#,
            "unknown top-level key": #"{"source": {"type": "file", "config": {"path": "a.json"}}, "transfroms": [], "target": {"type": "file", "config": {"path": "b.json"}}}"#,
            "unknown config key": #"{"source": {"type": "file", "config": {"path": "a.json", "delimter": ";"}}, "target": {"type": "file", "config": {"path": "b.json"}}}"#,
            "unknown schema key": #"{"source": {"type": "file", "config": {"path": "a.json"}, "schema": {"fields": [{"name": "a", "type": "string", "nulable": true}]}}, "target": {"type": "file", "config": {"path": "b.json"}}}"#,
            "wrong format": #"{"source": {"type": "file", "config": {"path": "a.json", "format": "xml"}}, "target": {"type": "file", "config": {"path": "b.json"}}}"#,
            "missing target": #"{"source": {"type": "file", "config": {"path": "a.json"}}}"#,
            "missing required config key": #"{"source": {"type": "file", "config": {}}, "target": {"type": "file", "config": {"path": "b.json"}}}"#,
            "wrong validator": #"{"source": {"type": "file", "config": {"path": "a.json"}, "schema": {"fields": [{"name": "a", "type": "string", "validators": [{"type": "patern", "value": "x"}]}]}}, "target": {"type": "file", "config": {"path": "b.json"}}}"#,
            "validator key of another type": #"{"source": {"type": "file", "config": {"path": "a.json"}, "schema": {"fields": [{"name": "a", "type": "string", "validators": [{"type": "min", "value": 1, "fn": "true"}]}]}}, "target": {"type": "file", "config": {"path": "b.json"}}}"#,
            "transform config key": #"{"source": {"type": "file", "config": {"path": "a.json"}}, "transforms": [{"operation": "filter", "config": {"field": "a", "operator": "eq", "vlaue": 1}}], "target": {"type": "file", "config": {"path": "b.json"}}}"#,
        ]
        var documents = ValueObject()
        for (name, spec) in valid {
            let isSchedule = spec["cron"] != .null || spec["interval"] != .null
            documents[name] = ["schema": .string(isSchedule ? "schedule" : "job"), "spec": spec, "valid": true]
        }
        for (name, text) in invalid { documents[name] = ["schema": "job", "spec": try JSONParser.parse(text), "valid": false] }
        let script = #"""
            import json, sys
            from jsonschema import Draft202012Validator
            schemas = json.load(open(sys.argv[1]))
            validators = {}
            for name, schema in schemas.items():
                Draft202012Validator.check_schema(schema)
                validators[name] = Draft202012Validator(schema)
            documents = json.loads(sys.stdin.read())
            for name, case in sorted(documents.items()):
                errors = list(validators[case["schema"]].iter_errors(case["spec"]))
                if (not errors) != case["valid"]:
                    print(f"{name}: expected {'valid' if case['valid'] else 'invalid'}; " + "; ".join(e.message[:160] for e in errors[:3]))
            print("checked", len(documents))
            """#
        // In a file: the schemas are larger than one command-line argument may be (128 KiB).
        let schemas: Value = ["job": served.json, "schedule": scheduleSchema.json]
        let schemaFile = state.file("schemas.json")
        try Data(JSONText.string(schemas).utf8).write(to: URL(fileURLWithPath: schemaFile))
        let output = try await Python.run(script, arguments: [schemaFile], input: JSONText.string(.object(documents)))
        #expect(output == "checked \(documents.count)\n")
        #expect(documents.count > 60)
    }

    @Test func componentsAreListedWithTheirKeys() async throws {
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let server = try await ServerHarness.start(stateDir: state)
        defer { Task { try await server.stop() } }
        let reply = try await server.request(.GET, "/components")
        #expect(reply.status == 200)
        let registry = ComponentRegistry.builtIn
        #expect(reply.json["sources"].arrayValue?.map { $0["name"] } == registry.names(.source).map(Value.string))
        #expect(reply.json["transforms"].arrayValue?.map { $0["name"] } == registry.names(.transform).map(Value.string))
        #expect(reply.json["targets"].arrayValue?.map { $0["name"] } == registry.names(.target).map(Value.string))
        let file = reply.json["sources"].arrayValue?.first { $0["name"] == "file" }
        let delimiter = file?["config"].arrayValue?.first { $0["key"] == "delimiter" }
        #expect(delimiter?["type"] == "one character")
        #expect(delimiter?["required"] == false)
        let printed = try await CommandLineTests.sluice(["components", "--json"])
        #expect(try JSONParser.parse(printed.stdout) == reply.json)
        let text = try await CommandLineTests.sluice(["components"])
        #expect(text.stdout.contains("  file — "))
        #expect(text.stdout.contains("      delimiter: one character\n"))
    }
}
