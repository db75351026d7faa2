import NIOCore
import NIOPosix

/// One client connection to a MySQL or MariaDB server, over SwiftNIO.
///
/// Commands run one at a time (the connection belongs to whoever leased it from a pool). A
/// result set can be streamed: ``startQuery(_:)`` reads the column definitions and
/// ``nextRows(max:)`` hands out rows as the caller asks for them, while the channel stops
/// reading from the socket when enough are waiting (see ``MySQLInbox``).
///
/// A server error (ERR packet) leaves the connection usable; a protocol or network error
/// closes it and ``isUsable`` becomes false.
public actor MySQLConnection {
    /// What the connection is doing.
    enum Phase: Sendable {
        case idle
        /// A result set is being streamed (its rows are not all read yet).
        case streaming
        case closed
    }

    /// The id of the server thread serving this connection (what `KILL` takes).
    public nonisolated let connectionID: UInt32
    /// The server's version text.
    public nonisolated let serverVersion: String
    /// Whether the server is MariaDB.
    public nonisolated let isMariaDB: Bool
    /// Whether the connection is encrypted.
    public nonisolated let usesTLS: Bool
    nonisolated let capabilities: MySQLCapabilities
    nonisolated let channel: any Channel
    nonisolated let inbox: NIOLoopBound<MySQLInbox>
    nonisolated let health: MySQLConnectionHealth

    var phase = Phase.idle
    var sequence: UInt8 = 0
    /// The OK packet that ended the last command.
    var lastOK = MySQLOK()
    private var prefetched: [MySQLPacket] = []
    private var prefetchIndex = 0

    init(
        channel: any Channel, inbox: NIOLoopBound<MySQLInbox>, health: MySQLConnectionHealth, handshake: MySQLHandshake,
        capabilities: MySQLCapabilities, usesTLS: Bool
    ) {
        self.channel = channel
        self.inbox = inbox
        self.health = health
        self.connectionID = handshake.connectionID
        self.serverVersion = handshake.serverVersion
        self.isMariaDB = handshake.isMariaDB
        self.capabilities = capabilities
        self.usesTLS = usesTLS
    }

    /// Whether the connection can still run commands.
    public nonisolated var isUsable: Bool { health.isUsable && channel.isActive }

    /// Sends COM_QUIT and closes the socket.
    public func close() async {
        guard case .idle = phase, isUsable else {
            await abandon()
            return
        }
        phase = .closed
        var payload = ByteBufferAllocator().buffer(capacity: 1)
        payload.writeInteger(UInt8(0x01))
        try? await send(payload, newCommand: true)
        health.markBroken()
        try? await channel.close()
    }

    /// Closes the socket without a goodbye (the server rolls back an open transaction and
    /// forgets an unread result set).
    public func abandon() async {
        phase = .closed
        health.markBroken()
        try? await channel.close()
    }

    /// COM_PING: succeeds when the server answers.
    public func ping() async throws {
        try await checkIdle()
        var payload = ByteBufferAllocator().buffer(capacity: 1)
        payload.writeInteger(UInt8(0x0E))
        try await send(payload, newCommand: true)
        let packet = try await readPacket()
        _ = try Self.okOrThrow(packet)
    }

    /// How many packets the server sent that the caller has not taken yet (those the
    /// channel holds plus those fetched ahead), for tests and metrics: with backpressure it
    /// stays near ``MySQLInbox/highWatermarkPackets`` however big the result set is.
    public func bufferedPackets() async -> Int {
        let inbox = self.inbox
        let held = (try? await inbox.eventLoop.submit { inbox.value.bufferedCount }.get()) ?? 0
        return held + prefetched.count - prefetchIndex
    }

    // MARK: - Packets

    /// Fails unless the connection can start a command: not streaming, not closed, and
    /// nothing unread from the server (see ``expectSilence()``).
    func checkIdle() async throws(MySQLError) {
        switch phase {
        case .idle:
            try await expectSilence()
            guard isUsable else { throw brokenConnection(.connection("the connection to the MySQL server was closed")) }
        case .streaming: throw .misuse("the MySQL connection is still reading a result set")
        case .closed: throw .misuse("the MySQL connection is closed")
        }
    }

    /// Sends one logical packet; `newCommand` starts a command (sequence id 0).
    func send(_ payload: ByteBuffer, newCommand: Bool) async throws(MySQLError) {
        if newCommand { sequence = 0 }
        var framed = ByteBufferAllocator().buffer(capacity: payload.readableBytes + 4)
        sequence = MySQLFraming.frame(payload, sequence: sequence, into: &framed)
        do {
            try await channel.writeAndFlush(framed)
        } catch {
            throw brokenConnection(.connection("could not send to the MySQL server: \(error)"))
        }
    }

    /// Fails when the server sent something while no command was running: an idle
    /// connection the server ended (MariaDB sends "Connection was killed" before it closes,
    /// MySQL a timeout error) must not read that packet as the next command's answer.
    private func expectSilence() async throws(MySQLError) {
        var unsolicited = prefetchIndex < prefetched.count ? prefetched[prefetchIndex] : nil
        if unsolicited == nil {
            let inbox = self.inbox
            let waiting = (try? await inbox.eventLoop.submit { inbox.value.bufferedCount }.get()) ?? 0
            if waiting > 0 { unsolicited = try await readPacket() }
        } else {
            prefetchIndex += 1
        }
        guard let packet = unsolicited else { return }
        if packet.header == MySQLHeader.error, let error = MySQLServerError(parsing: packet.payload) {
            throw brokenConnection(.connection("the server ended the connection: \(error)"))
        }
        throw brokenConnection(.protocolViolation("the server sent a packet while no command was running"))
    }

    /// The next packet from the server.
    func readPacket() async throws(MySQLError) -> MySQLPacket {
        if prefetchIndex >= prefetched.count {
            let inbox = self.inbox
            let channel = self.channel
            let future = inbox.eventLoop.flatSubmit { inbox.value.take(max: 256, eventLoop: inbox.eventLoop) }
            do {
                // Cancelling the waiting task closes the connection: the server may take long
                // before it sends anything (a slow query), and the task must not wait for it.
                prefetched = try await withTaskCancellationHandler {
                    try await future.get()
                } onCancel: {
                    channel.close(promise: nil)
                }
            } catch {
                if Task.isCancelled { throw brokenConnection(.connection("cancelled; the MySQL connection was closed")) }
                throw brokenConnection(error as? MySQLError ?? .connection("\(error)"))
            }
            prefetchIndex = 0
        }
        let packet = prefetched[prefetchIndex]
        prefetchIndex += 1
        if prefetchIndex == prefetched.count {
            prefetched.removeAll(keepingCapacity: true)
            prefetchIndex = 0
        }
        sequence = packet.sequence &+ 1
        return packet
    }

    /// Marks the connection broken, closes it, and returns `error` to throw.
    func brokenConnection(_ error: MySQLError) -> MySQLError {
        health.markBroken()
        phase = .closed
        channel.close(promise: nil)
        return error
    }

    /// Parses an OK packet, throwing the server's error for an ERR packet.
    static func okOrThrow(_ packet: MySQLPacket) throws(MySQLError) -> MySQLOK {
        switch packet.header {
        case MySQLHeader.ok, MySQLHeader.eof: return try MySQLOK(parsing: packet.payload)
        case MySQLHeader.error: throw serverError(packet)
        default: throw .protocolViolation("expected an OK packet, got header \(packet.header ?? 0)")
        }
    }

    static func serverError(_ packet: MySQLPacket) -> MySQLError {
        MySQLServerError(parsing: packet.payload).map(MySQLError.server) ?? .protocolViolation("malformed error packet")
    }
}
