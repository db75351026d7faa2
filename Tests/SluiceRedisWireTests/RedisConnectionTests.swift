import SluiceTestSupport
import Testing

@testable import SluiceRedisWire

/// The connection against a real redis-server of the test's own.
@Suite struct RedisConnectionTests {
    static func connect(_ server: RedisTestServer, password: String? = nil, username: String? = nil) async throws -> RedisConnection {
        try await RedisConnection.connect(RedisConnectionConfiguration(host: "127.0.0.1", port: server.port, username: username, password: password))
    }

    @Test func binaryValuesRoundTripAndPipelinedRepliesKeepTheirOrder() async throws {
        let server = try await RedisTestServer.start()
        let redis = try await Self.connect(server)
        let bytes: [UInt8] = Array(0...255) + Array("\r\n$-1\r\n*3".utf8)
        #expect(try await redis.send(RESPCommand([Array("SET".utf8), Array("k".utf8), bytes])) == .simpleString("OK"))
        #expect(try await redis.send(RESPCommand(["STRLEN", "k"])) == .integer(bytes.count))
        #expect(try await redis.send(RESPCommand(["GET", "k"])) == .bulkString(bytes))
        let replies = try await redis.pipeline([
            RESPCommand(["INCR", "n"]), RESPCommand(["INCR", "k"]), RESPCommand(["INCRBY", "n", "41"]), RESPCommand(["GET", "missing"]),
        ])
        #expect(replies == [.integer(1), .error("ERR value is not an integer or out of range"), .integer(42), .bulkString(nil)])
        // Many tasks at once on one connection: each gets its own reply.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<200 {
                group.addTask {
                    let echoed = try await redis.send(RESPCommand(["ECHO", "message \(n)"])).text
                    #expect(echoed == "message \(n)")
                }
            }
            try await group.waitForAll()
        }
        await redis.close()
    }

    @Test func aRefusedCommandLeavesTheConnectionUsable() async throws {
        let server = try await RedisTestServer.start()
        let redis = try await Self.connect(server)
        await #expect(throws: RedisError.server("ERR unknown command 'NOSUCH', with args beginning with: 'x' ")) {
            _ = try await redis.send(RESPCommand(["NOSUCH", "x"]))
        }
        #expect(try await redis.send(RESPCommand(["PING"])) == .simpleString("PONG"))
        #expect(redis.isUsable)
    }

    @Test func signingIn() async throws {
        let server = try await RedisTestServer.start(password: "s3cret")
        let redis = try await Self.connect(server, password: "s3cret")
        #expect(try await redis.send(RESPCommand(["PING"])) == .simpleString("PONG"))
        await #expect(throws: RedisError.server("WRONGPASS invalid username-password pair or user is disabled.")) {
            _ = try await Self.connect(server, password: "wrong")
        }
        let anonymous = try await Self.connect(server)
        let refusal = await #expect(throws: RedisError.self) { _ = try await anonymous.send(RESPCommand(["GET", "k"])) }
        #expect(refusal?.serverCode == "NOAUTH")
        // An ACL user signs in with its name.
        _ = try await redis.send(RESPCommand(["ACL", "SETUSER", "loader", "on", ">pw", "~*", "+@all"]))
        let loader = try await Self.connect(server, password: "pw", username: "loader")
        #expect(try await loader.send(RESPCommand(["ACL", "WHOAMI"])).text == "loader")
    }

    /// An unanswered command fails at its timeout and closes the connection, and so does a
    /// server that goes away.
    @Test func aTimeoutOrAKilledServerFailsTheWaitAndClosesTheConnection() async throws {
        let server = try await RedisTestServer.start()
        let redis = try await Self.connect(server)
        await #expect(throws: RedisError.timeout("no answer from the Redis server within the timeout (BLPOP)")) {
            _ = try await redis.send(RESPCommand(["BLPOP", "nothing", "0"]), timeout: .milliseconds(200))
        }
        await #expect(throws: RedisError.connection("the connection to the Redis server is closed")) {
            _ = try await redis.send(RESPCommand(["PING"]))
        }
        #expect(!redis.isUsable)
        let second = try await Self.connect(server)
        let blocked = Task { try await second.send(RESPCommand(["BLPOP", "nothing", "0"]), timeout: .seconds(3600)) }
        try await Task.sleep(for: .milliseconds(100))
        await server.kill()
        await #expect(throws: RedisError.connection("the Redis server closed the connection")) { _ = try await blocked.value }
        await #expect(throws: RedisError.self) {
            _ = try await RedisConnection.connect(RedisConnectionConfiguration(host: "127.0.0.1", port: server.port))
        }
    }
}
