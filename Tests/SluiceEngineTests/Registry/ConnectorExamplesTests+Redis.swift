import Foundation
import SluiceCore
import SluiceEngine
import SluiceRedisWire
import SluiceTestSupport

/// The example runners of the Redis stream source and target (see ``ConnectorExamplesTests``).
extension ConnectorExamplesTests {
    static let redisExamplePassword = "example-redis-password"

    /// A server with the example's streams and the `loader` user.
    static func redisServer(for example: ComponentExample) async throws -> (RedisTestServer, RedisConnection) {
        let server = try await RedisTestServer.start()
        let redis = try await RedisConnection.connect(RedisConnectionConfiguration(host: "127.0.0.1", port: server.port))
        _ = try await redis.send(RESPCommand(["ACL", "SETUSER", "loader", "on", ">\(redisExamplePassword)", "~*", "+@all"]))
        for (stream, content) in example.files {
            for line in content.split(separator: "\n") where !line.isEmpty {
                guard case .object(var fields) = try JSONParser.parse(Array(line.utf8)) else { continue }
                var id = "*"
                if case .string(let given)? = fields["_id"] {
                    id = given
                    fields["_id"] = nil
                }
                var arguments = ["XADD", stream, id]
                for (name, value) in zip(fields.keys, fields.values) {
                    guard case .string(let text) = value else { continue }
                    arguments += [name, text]
                }
                _ = try await redis.send(RESPCommand(arguments))
            }
        }
        return (server, redis)
    }

    static func redisConfig(_ example: ComponentExample, port: Int) -> String {
        example.config.replacingOccurrences(of: "@localhost:{port}", with: "@127.0.0.1:\(port)")
            .replacingOccurrences(of: "redis://localhost:{port}", with: "redis://127.0.0.1:\(port)")
    }

    static func runRedisSource(_ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        let (server, redis) = try await redisServer(for: example)
        defer { _ = server }
        await redis.close()
        return try await bench.read(source: "redis_stream", config: redisConfig(example, port: server.port), what: example.title)
    }

    /// Writes the example's `input` and returns the stream's entries as JSON objects of their fields.
    static func runRedisTarget(_ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        guard let input = example.input else { throw RedisExampleFailure(description: "redis_stream: \(example.title) has no input") }
        let (server, redis) = try await redisServer(for: example)
        defer { _ = server }
        try await bench.write(input, target: "redis_stream", config: redisConfig(example, port: server.port), what: example.title)
        guard case .object(let config) = try JSONParser.parse(Array(example.config.utf8)), case .string(let stream)? = config["stream"] else {
            throw RedisExampleFailure(description: "the example names no stream")
        }
        let entries = try await redis.send(RESPCommand(["XRANGE", stream, "-", "+"])).elements ?? []
        await redis.close()
        let objects: [Value] = entries.map { entry in
            let fields = entry.elements?.last?.elements ?? []
            var object = ValueObject()
            var index = 0
            while index + 1 < fields.count {
                object[fields[index].text ?? ""] = .string(fields[index + 1].text ?? "")
                index += 2
            }
            return .object(object)
        }
        return JSONText.string(.array(objects))
    }
}

/// A Redis example that cannot be run as written.
struct RedisExampleFailure: Error, CustomStringConvertible {
    var description: String
}
