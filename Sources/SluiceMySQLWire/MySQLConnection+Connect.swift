import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

extension MySQLConnection {
    /// Connects, upgrades to TLS as `configuration.tls` says, and logs in.
    ///
    /// Login follows the server's plugin: `mysql_native_password` and
    /// `caching_sha2_password` (fast path, or full authentication with the password sent in
    /// the clear over TLS, else RSA-encrypted with the server's public key), switching plugin
    /// when the server asks (AuthSwitchRequest).
    public static func connect(
        _ configuration: MySQLConnectionConfiguration, on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> MySQLConnection {
        let health = MySQLConnectionHealth()
        // The inbox is kept from the moment it joins the pipeline: a server that refuses the
        // connection (too many connections, a blocked host) sends its error packet and closes
        // at once, which empties the pipeline before login could look the handler up.
        let installedInbox = NIOLockedValueBox<NIOLoopBound<MySQLInbox>?>(nil)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MySQLPacketDecoder()))
                        let inbox = MySQLInbox(health: health)
                        try channel.pipeline.syncOperations.addHandler(inbox)
                        installedInbox.withLockedValue { $0 = NIOLoopBound(inbox, eventLoop: channel.eventLoop) }
                    }
                }
                .connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw MySQLError.connection("could not connect to the MySQL server at \(configuration.address): \(error)")
        }
        // Login gets the same time limit; when it runs out the channel is closed, which ends
        // the conversation wherever it waits.
        let timedOut = MySQLOnceFlag()
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.connectTimeout)) {
            timedOut.set()
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            guard let inbox = installedInbox.withLockedValue({ $0 }) else {
                throw MySQLError.connection("the connection to the MySQL server at \(configuration.address) was set up without its reader")
            }
            let (handshake, capabilities, tls) = try await MySQLLogin(configuration: configuration, channel: channel, inbox: inbox).run()
            return MySQLConnection(
                channel: channel, inbox: inbox, health: health, handshake: handshake, capabilities: capabilities, usesTLS: tls)
        } catch {
            health.markBroken()
            try? await channel.close()
            if timedOut.isSet {
                throw MySQLError.connection(
                    "logging in to the MySQL server at \(configuration.address) timed out after \(configuration.connectTimeout)")
            }
            if error is MySQLError { throw error }
            throw MySQLError.connection("logging in to the MySQL server at \(configuration.address) failed: \(error)")
        }
    }
}
