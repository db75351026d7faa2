import NIOCore
import NIOPosix

@testable import SluiceMySQLWire

/// A one-connection fake MySQL server on loopback that plays a scripted conversation, for
/// login paths the MariaDB test server cannot take (caching_sha2_password, plugin switches,
/// a server that never answers).
struct MySQLFakeServer {
    /// One side of the conversation, as the server sees it.
    struct Conversation {
        var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        var buffer = ByteBuffer()
        var sequence: UInt8 = 0

        /// Sends one packet with the next sequence id.
        mutating func send(_ payload: [UInt8]) async throws {
            var out = ByteBuffer()
            sequence = MySQLFraming.frame(ByteBuffer(bytes: payload), sequence: sequence, into: &out)
            try await outbound.write(out)
        }

        /// The next packet from the client, as bytes; the reply continues its sequence.
        mutating func receive() async throws -> [UInt8] {
            while true {
                if let packet = MySQLFraming.decode(&buffer) {
                    sequence = packet.sequence &+ 1
                    return Array(packet.payload.readableBytesView)
                }
                guard var more = try await inbound.next() else { throw MySQLError.connection("client went away") }
                buffer.writeBuffer(&more)
            }
        }
    }

    let port: Int
    let finished: Task<Void, any Error>

    /// Listens on a free port and runs `script` for the first connection.
    static func start(_ script: @escaping @Sendable (inout Conversation) async throws -> Void) async throws -> MySQLFakeServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress?.port ?? 0
        let finished = Task {
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    try await connection.executeThenClose { inbound, outbound in
                        var conversation = Conversation(inbound: inbound.makeAsyncIterator(), outbound: outbound)
                        try await script(&conversation)
                    }
                    return
                }
            }
        }
        return MySQLFakeServer(port: port, finished: finished)
    }

    /// A HandshakeV10 of a MySQL 8 server (CLIENT_MYSQL set) with `nonce` and `plugin`.
    static func handshake(nonce: [UInt8], plugin: String, connectionID: UInt8 = 7) -> [UInt8] {
        let capabilities: UInt32 = 0x01FF_F7FF & ~0x0800  // everything up to DEPRECATE_EOF, without SSL
        return [0x0A] + Array("8.0.36-fake\0".utf8) + [connectionID, 0, 0, 0] + Array(nonce[0..<8]) + [0x00]
            + [UInt8(capabilities & 0xFF), UInt8(capabilities >> 8 & 0xFF)] + [0xFF, 0x02, 0x00]
            + [UInt8(capabilities >> 16 & 0xFF), UInt8(capabilities >> 24 & 0xFF)] + [21] + Array(repeating: 0, count: 10)
            + Array(nonce[8...]) + [0x00] + Array(plugin.utf8) + [0x00]
    }

    /// The auth response bytes of a HandshakeResponse41 (length-encoded client data).
    static func authResponse(of packet: [UInt8]) -> (user: String, auth: [UInt8], plugin: String) {
        var buffer = ByteBuffer(bytes: packet)
        buffer.moveReaderIndex(forwardBy: 32)
        let user = buffer.readMySQLNullTerminatedString() ?? ""
        let auth = buffer.readMySQLLengthEncodedSlice().map { Array($0.readableBytesView) } ?? []
        let flags = UInt32(packet[0]) | UInt32(packet[1]) << 8 | UInt32(packet[2]) << 16 | UInt32(packet[3]) << 24
        if flags & 0x08 != 0 { _ = buffer.readMySQLNullTerminatedString() }
        return (user, auth, buffer.readMySQLNullTerminatedString() ?? "")
    }

    static let ok: [UInt8] = [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]
}
