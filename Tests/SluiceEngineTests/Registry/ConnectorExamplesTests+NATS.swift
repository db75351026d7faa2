import Foundation
import SluiceCore
import SluiceEngine
import SluiceTestSupport

/// The example runners of the NATS JetStream source and target (see ``ConnectorExamplesTests``).
extension ConnectorExamplesTests {
    static let natsExamplePassword = "example-nats-password"

    /// The example's config as an object.
    static func natsConfig(_ example: ComponentExample) throws -> ValueObject {
        guard case .object(let config) = try JSONParser.parse(Array(example.config.utf8)) else {
            throw ExampleFailure("nats_jetstream: \(example.title): the config is not an object")
        }
        return config
    }

    /// A server of the example's own: the user `loader` (with the example password) when the
    /// example signs in, else open.
    static func natsServer(for example: ComponentExample) async throws -> NATSTestServer {
        example.config.contains("@localhost:{port}")
            ? try await NATSTestServer.start(user: "loader", password: natsExamplePassword) : try await NATSTestServer.start()
    }

    static func natsURL(_ example: ComponentExample, port: Int) -> String {
        example.config.replacingOccurrences(of: "@localhost:{port}", with: "@127.0.0.1:\(port)")
            .replacingOccurrences(of: "nats://localhost:{port}", with: "nats://127.0.0.1:\(port)")
    }

    /// The example's `stream` made to take the subjects its `files` are named after, and each
    /// file's lines published as messages to its subject (files in name order, so the stream
    /// sequences are the documented ones); then the example read.
    static func runNATSSource(_ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        let server = try await natsServer(for: example)
        guard case .string(let stream)? = try natsConfig(example)["stream"] else { throw ExampleFailure("nats_jetstream: \(example.title) names no stream") }
        let subjects = example.files.keys.sorted()
        try await NATSPython.addStream(server, stream, subjects: subjects)
        for subject in subjects {
            for line in (example.files[subject] ?? "").split(separator: "\n") where !line.isEmpty {
                _ = try await NATSPython.publish(server, subject, payload: String(line))
            }
        }
        return try await bench.read(source: "nats_jetstream", config: natsURL(example, port: server.port), what: example.title)
    }

    /// Writes the example's `input` into a stream (the example's `stream`, else `EXAMPLE`) that
    /// takes the example's subject and those below it; returns the stored messages as
    /// `{"subject", "msgId", "data"}` objects in stream order.
    static func runNATSTarget(_ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        guard let input = example.input else { throw ExampleFailure("nats_jetstream: \(example.title) has no input") }
        let config = try natsConfig(example)
        guard case .string(let subject)? = config["subject"] else { throw ExampleFailure("nats_jetstream: \(example.title) names no subject") }
        let stream = config["stream"]?.stringValue ?? "EXAMPLE"
        let server = try await natsServer(for: example)
        try await NATSPython.addStream(server, stream, subjects: [subject, subject + ".>"])
        try await bench.write(input, target: "nats_jetstream", config: natsURL(example, port: server.port), what: example.title)
        let stored = try JSONParser.parse(try await NATSPython.messages(server, stream)).arrayValue ?? []
        let objects: [Value] = try stored.map { message in
            guard let parts = message.arrayValue, parts.count == 3, let data = parts[2].stringValue else {
                throw ExampleFailure("nats_jetstream: \(example.title): nats-py printed \(JSONText.string(message))")
            }
            return .object(ValueObject([("subject", parts[0]), ("msgId", parts[1]), ("data", try JSONParser.parse(data))]))
        }
        return JSONText.string(.array(objects))
    }
}
