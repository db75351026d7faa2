import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// Streaming logical replication on a connection PostgresNIO logged in with
/// `replication=database`: PostgresNIO has no call for `START_REPLICATION` (its copy-both
/// mode), so a ``PostgresReplicationHandler`` is put into the channel's pipeline just after
/// TLS (or first, without TLS), sends the command and from then on takes every message the
/// server sends; PostgresNIO sees none of them again. The connection serves this one stream
/// until it is closed.
///
/// The server's `XLogData` (a `pgoutput` message and its WAL position) and keepalives reach
/// the consumer through an async sequence with backpressure: while the consumer is behind,
/// the handler holds the channel's reads, so the server waits rather than memory filling up.
/// When nothing arrives for `idleTick`, the handler hands on an ``Event/idle`` so a consumer
/// that waits for the next event can still act (commit, stop). The handler answers the
/// server's keepalives itself and sends a status update at least every `statusInterval`,
/// always with the position the consumer last confirmed, so a slow consumer is never taken
/// for a dead one (the server's `wal_sender_timeout`).
enum PostgresReplicationStream {
    /// What the server sent, in order.
    enum Event: Sendable {
        /// One `pgoutput` message at `walStart`.
        case data(walStart: PostgresCDCLSN, payload: [UInt8])
        /// The server's position; it asks for a status update at once when `replyRequested`.
        case keepalive(walEnd: PostgresCDCLSN, replyRequested: Bool)
        /// Nothing came for a moment.
        case idle
    }

    typealias Events = NIOThrowingAsyncSequenceProducer<
        Event, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, Delegate
    >

    /// The consumer's demand, passed to the handler on its event loop.
    typealias Delegate = ChannelDemandDelegate<PostgresReplicationHandler>

    /// A started stream: its events, and the way to send status updates.
    struct Started: Sendable {
        let events: Events
        let handler: NIOLoopBound<PostgresReplicationHandler>

        /// Tells the server that every change up to `flushed` is safely stored: the slot may
        /// move past it, and the WAL before it may be recycled.
        func sendStatus(flushed: PostgresCDCLSN, replyRequested: Bool = false) {
            let handler = handler
            handler.eventLoop.execute { handler.value.sendStatus(flushed: flushed, replyRequested: replyRequested) }
        }
    }

    /// `START_REPLICATION SLOT "slot" LOGICAL 0/0 (proto_version '1', publication_names '…')`:
    /// from the slot's confirmed position, with `pgoutput`. The slot name is `[a-z0-9_]+` (checked
    /// by the source); the publication is quoted as an identifier inside a string literal.
    static func command(slot: String, publication: String) -> String {
        let identifier = "\"" + publication.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let literal = "'" + identifier.replacingOccurrences(of: "'", with: "''") + "'"
        return "START_REPLICATION SLOT \"\(slot)\" LOGICAL 0/0 (proto_version '1', publication_names \(literal))"
    }

    /// Starts streaming on `channel` (of an idle connection logged in for replication);
    /// returns once the server has entered copy-both mode, or throws its refusal.
    static func start(
        slot: String, publication: String, on channel: any Channel, idleTick: TimeAmount = .milliseconds(100),
        statusInterval: TimeAmount = .seconds(10)
    ) async throws -> Started {
        let loop = channel.eventLoop
        let started = loop.makePromise(of: Void.self)
        var query = ByteBuffer()
        query.writeInteger(UInt8(ascii: "Q"))
        let text = command(slot: slot, publication: publication)
        query.writeInteger(Int32(truncatingIfNeeded: 4 + text.utf8.count + 1))
        query.writeString(text)
        query.writeInteger(UInt8(0))
        let request = query
        let made: Started
        do {
            made = try await loop.submit { () throws -> Started in
                guard channel.isActive else { throw PostgresCopyProtocolError(description: "the connection is closed") }
                let handler = PostgresReplicationHandler(request: request, started: started, idleTick: idleTick, statusInterval: statusInterval)
                let bound = NIOLoopBound(handler, eventLoop: loop)
                let sequence = Events.makeSequence(
                    backPressureStrategy: .init(lowWatermark: 256, highWatermark: 4096), finishOnDeinit: true,
                    delegate: Delegate(handler: bound))
                handler.source = sequence.source
                let pipeline = channel.pipeline.syncOperations
                if let tls = try? pipeline.handler(type: NIOSSLClientHandler.self) {
                    try pipeline.addHandler(handler, position: .after(tls))
                } else {
                    try pipeline.addHandler(handler, position: .first)
                }
                return Started(events: sequence.sequence, handler: bound)
            }.get()
        } catch {
            started.fail(error)
            throw error
        }
        try await started.futureResult.get()
        return made
    }
}

/// The channel handler of a ``PostgresReplicationStream`` (see there). Every length the server
/// sends is checked before anything is kept: a message may be at most 1 GiB, as the server's
/// own limit.
final class PostgresReplicationHandler: ChannelDuplexHandler, DemandDrivenHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    typealias Source = PostgresReplicationStream.Events.Source

    /// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC).
    static let postgresEpochMicros: Int64 = 946_684_800_000_000

    private let request: ByteBuffer
    private let started: EventLoopPromise<Void>
    private let idleTick: TimeAmount
    private let statusInterval: TimeAmount
    private var lastStatus = NIODeadline.now()
    private var startSettled = false
    var source: Source?
    private var context: ChannelHandlerContext?
    private var pending = ByteBuffer()
    private var streaming = false
    private var serverError: PostgresServerError?
    private var finished = false
    private var demand = true
    private var readHeld = false
    private var yieldedSinceTick = false
    private var ticker: RepeatedTask?
    /// The position last reported as flushed (written and applied are reported the same).
    private var flushed = PostgresCDCLSN(0)

    init(request: ByteBuffer, started: EventLoopPromise<Void>, idleTick: TimeAmount, statusInterval: TimeAmount) {
        self.request = request
        self.started = started
        self.idleTick = idleTick
        self.statusInterval = statusInterval
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        fail(PostgresCopyProtocolError(description: "the replication handler was removed"))
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        var buffer = unwrapInboundIn(data)
        pending.writeBuffer(&buffer)
        do {
            try consume()
        } catch {
            fail(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(PostgresCopyProtocolError(description: "the replication connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.fireErrorCaught(error)
    }

    // MARK: - Outbound

    func read(context: ChannelHandlerContext) {
        if finished || demand {
            context.read()
        } else {
            readHeld = true
        }
    }

    /// Sends a standby status update: `flushed` as the written, flushed and applied position.
    func sendStatus(flushed position: PostgresCDCLSN, replyRequested: Bool) {
        guard let context, streaming, !finished else { return }
        flushed = max(flushed, position)
        var message = context.channel.allocator.buffer(capacity: 39)
        message.writeInteger(UInt8(ascii: "d"))
        message.writeInteger(Int32(38))
        message.writeInteger(UInt8(ascii: "r"))
        for _ in 0..<3 { message.writeInteger(flushed.value) }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        message.writeInteger(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000 - Self.postgresEpochMicros)
        message.writeInteger(UInt8(replyRequested ? 1 : 0))
        context.writeAndFlush(wrapOutboundOut(message), promise: nil)
        lastStatus = .now()
    }

    // MARK: - Backpressure (on the event loop, from the sequence's delegate)

    func resumeReading() {
        demand = true
        if readHeld, let context {
            readHeld = false
            context.read()
        }
    }

    /// The consumer is gone: the stream is over and the connection is closed.
    func consumerGone() {
        guard !finished else { return }
        fail(CancellationError())
        context?.close(promise: nil)
    }

    // MARK: - Messages

    private func consume() throws {
        while !finished, pending.readableBytes >= 5,
            let type = pending.getInteger(at: pending.readerIndex, as: UInt8.self),
            let length = pending.getInteger(at: pending.readerIndex + 1, as: Int32.self)
        {
            guard length >= 4, length <= 1 << 30 else {
                throw PostgresCopyProtocolError(description: "the server sent a message of length \(length)")
            }
            guard pending.readableBytes >= 1 + Int(length) else { break }
            pending.moveReaderIndex(forwardBy: 5)
            guard let body = pending.readSlice(length: Int(length) - 4) else { break }
            try handle(type, body)
        }
        pending.discardReadBytes()
    }

    private func handle(_ type: UInt8, _ body: ByteBuffer) throws {
        switch type {
        case UInt8(ascii: "W"):
            // CopyBothResponse: the stream has begun.
            streaming = true
            settleStart(nil)
            startTicker()
        case UInt8(ascii: "d"):
            guard streaming else { throw PostgresCopyProtocolError(description: "the server sent copy data before the stream began") }
            try copyData(body)
        case UInt8(ascii: "E"):
            serverError = PostgresServerError(body: body)
            if streaming { fail(serverError ?? PostgresCopyProtocolError(description: "the server ended the stream with an error")) }
        case UInt8(ascii: "Z"):
            // ReadyForQuery: the command ended (refused, or the stream stopped).
            fail(serverError ?? PostgresCopyProtocolError(description: "the server ended the replication stream"))
        case UInt8(ascii: "c"), UInt8(ascii: "C"), UInt8(ascii: "N"), UInt8(ascii: "S"), UInt8(ascii: "A"):
            // CopyDone, CommandComplete, notices, parameter changes, notifications.
            break
        default:
            throw PostgresCopyProtocolError(
                description: "the server sent message '\(Character(Unicode.Scalar(type)))' during streaming replication")
        }
    }

    /// `w`: Int64 start, Int64 end, Int64 send time, then the `pgoutput` message; `k`: Int64
    /// end, Int64 send time, Int8 reply requested.
    private func copyData(_ body: ByteBuffer) throws {
        var body = body
        guard let kind = body.readInteger(as: UInt8.self) else { return }
        switch kind {
        case UInt8(ascii: "w"):
            guard let start = body.readInteger(as: UInt64.self), body.readInteger(as: UInt64.self) != nil,
                body.readInteger(as: Int64.self) != nil
            else { throw PostgresCopyProtocolError(description: "the server sent a short XLogData message") }
            emit(.data(walStart: PostgresCDCLSN(start), payload: Array(body.readableBytesView)))
        case UInt8(ascii: "k"):
            guard let end = body.readInteger(as: UInt64.self), body.readInteger(as: Int64.self) != nil,
                let reply = body.readInteger(as: UInt8.self)
            else { throw PostgresCopyProtocolError(description: "the server sent a short keepalive message") }
            if reply != 0 { sendStatus(flushed: flushed, replyRequested: false) }
            emit(.keepalive(walEnd: PostgresCDCLSN(end), replyRequested: reply != 0))
        default:
            throw PostgresCopyProtocolError(description: "the server sent copy data of kind '\(Character(Unicode.Scalar(kind)))'")
        }
    }

    private func emit(_ event: PostgresReplicationStream.Event) {
        guard let source else { return }
        yieldedSinceTick = true
        switch source.yield(event) {
        case .produceMore: demand = true
        case .stopProducing: demand = false
        case .dropped: consumerGone()
        }
    }

    private func startTicker() {
        guard let context, ticker == nil else { return }
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        ticker = loop.scheduleRepeatedTask(initialDelay: idleTick, delay: idleTick) { _ in
            let handler = bound.value
            if !handler.yieldedSinceTick, handler.demand { handler.emit(.idle) }
            handler.yieldedSinceTick = false
            if NIODeadline.now() - handler.lastStatus >= handler.statusInterval {
                handler.sendStatus(flushed: handler.flushed, replyRequested: false)
            }
        }
    }

    private func fail(_ error: any Error) {
        guard !finished else { return }
        finished = true
        ticker?.cancel()
        ticker = nil
        settleStart(error)
        source?.finish(error)
        source = nil
        if readHeld, let context {
            readHeld = false
            context.read()
        }
    }

    private func settleStart(_ error: (any Error)?) {
        guard !startSettled else { return }
        startSettled = true
        if let error { started.fail(error) } else { started.succeed(()) }
    }
}
