import NIOCore
import NIOPosix

/// One client connection to a Redis server, over SwiftNIO. Written here because no maintained
/// Redis client is among the packages this project may use; it speaks RESP2, which every Redis
/// (and Valkey) server answers.
///
/// Commands may be sent from several tasks at once; their replies come back in the order they
/// were sent. A command that the server refuses throws ``RedisError/server(_:)`` and leaves
/// the connection usable; a timeout, a protocol violation or a cancelled wait closes it.
public final class RedisConnection: Sendable {
    let channel: any Channel
    public let configuration: RedisConnectionConfiguration

    init(channel: any Channel, configuration: RedisConnectionConfiguration) {
        self.channel = channel
        self.configuration = configuration
    }

    /// Connects, signs in (`AUTH`) and selects the database, within the connect timeout.
    public static func connect(_ configuration: RedisConnectionConfiguration) async throws -> RedisConnection {
        let timeout = TimeAmount(configuration.connectTimeout)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder()))
                        try channel.pipeline.syncOperations.addHandler(RedisCommandHandler())
                    }
                }
                .connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw RedisError.connection("could not connect to the Redis server at \(configuration.host):\(configuration.port): \(error)")
        }
        let connection = RedisConnection(channel: channel, configuration: configuration)
        var greeting: [RESPCommand] = []
        if let password = configuration.password {
            greeting.append(RESPCommand(["AUTH"] + (configuration.username.map { [$0] } ?? []) + [password]))
        }
        if configuration.database != 0 { greeting.append(RESPCommand(["SELECT", String(configuration.database)])) }
        if !greeting.isEmpty {
            do {
                for reply in try await connection.pipeline(greeting, timeout: configuration.connectTimeout) {
                    if case .error(let message) = reply { throw RedisError.server(message) }
                }
            } catch {
                await connection.close()
                throw error
            }
        }
        return connection
    }

    /// Whether commands can still be sent.
    public var isUsable: Bool { channel.isActive }

    /// Sends one command and returns its reply; a refusal throws ``RedisError/server(_:)``.
    /// `timeout` defaults to the configuration's command timeout.
    public func send(_ command: RESPCommand, timeout: Duration? = nil) async throws -> RESPValue {
        let reply = try await pipeline([command], timeout: timeout).first ?? .array(nil)
        if case .error(let message) = reply { throw RedisError.server(message) }
        return reply
    }

    /// Sends `commands` in one write and returns their replies in order; a refused command's
    /// reply is an ``RESPValue/error(_:)`` in the list.
    public func pipeline(_ commands: [RESPCommand], timeout: Duration? = nil) async throws -> [RESPValue] {
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        let wait = timeout ?? configuration.commandTimeout
        let deadline = NIODeadline.now() + TimeAmount(wait)
        let batch = RedisCommandHandler.Batch(commands: commands, deadline: deadline, promise: promise)
        // A write to a closed channel never reaches the handler: its failure fails the batch.
        // (A promise the handler already failed keeps that first failure.)
        channel.writeAndFlush(batch).whenFailure { _ in
            promise.fail(RedisError.connection("the connection to the Redis server is closed"))
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            // The reply can no longer be matched to anyone: the connection goes.
            channel.close(promise: nil)
        }
    }

    /// Closes the connection (`QUIT` is not needed: the server notices the close).
    public func close() async {
        try? await channel.close()
    }
}

