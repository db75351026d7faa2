import NIOCore

/// A channel handler that runs one `COPY … TO STDOUT` on a PostgresNIO connection's channel,
/// between the socket (or TLS) and PostgresNIO's handler, while PostgresNIO is idle (the
/// connection is leased to the read, so nothing else runs on it).
///
/// Once added it sends the statement (extended protocol: Parse, Bind, Execute, Sync) and
/// takes every message the server answers, up to and including `ReadyForQuery`, so
/// PostgresNIO never sees them; then it removes itself and the connection is PostgresNIO's
/// again, ready for the next statement. A `ReadyForQuery` that comes before the answer to
/// the request has begun (before `ParseComplete` or an error) ends PostgresNIO's previous
/// statement, not this one: PostgresNIO hands a statement's rows over at `CommandComplete`,
/// so its `ReadyForQuery` may still be on the way when this handler is added, and it is
/// passed on to PostgresNIO. The payloads of the COPY data messages (one row
/// each) are copied back to back into chunks handed to the consumer through an async
/// sequence with backpressure: while the consumer is behind, the handler holds the
/// channel's reads, so the server waits rather than memory filling up.
final class PostgresCopyOutHandler: ChannelDuplexHandler, RemovableChannelHandler, DemandDrivenHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    typealias Source = PostgresCopyOut.Chunks.Source

    /// Chunks are handed over once they reach this size, and at the end of each read burst.
    static let chunkBytes = 256 * 1024

    private let request: ByteBuffer
    private let started: EventLoopPromise<Void>
    private var startSettled = false
    var source: Source?
    private var context: ChannelHandlerContext?

    private var header: [UInt8] = []
    private var messageType: UInt8 = 0
    private var remaining = 0
    private var inBody = false
    private var body = ByteBuffer()
    /// COPY data received: whole rows, then maybe the start of the next.
    private var rows = ByteBuffer()
    /// The bytes of `rows` that end with a whole row.
    private var wholeRows = 0

    /// The server has begun answering the request (ParseComplete or an error came).
    private var answered = false
    private var copying = false
    private var serverError: PostgresServerError?
    /// ReadyForQuery came, or the read failed.
    private var finished = false
    /// The read failed: the connection is being closed, and what still comes is dropped.
    private var failed = false
    private var demand = true
    private var readHeld = false

    init(request: ByteBuffer, started: EventLoopPromise<Void>) {
        self.request = request
        self.started = started
        header.reserveCapacity(5)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        rows = context.channel.allocator.buffer(capacity: Self.chunkBytes)
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        if !finished { fail(PostgresCopyProtocolError(description: "the COPY handler was removed mid-read")) }
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        guard !finished else { return context.fireChannelRead(data) }
        var buffer = unwrapInboundIn(data)
        do {
            try consume(&buffer)
        } catch {
            fail(error)
            context.close(promise: nil)
            return
        }
        if finished {
            // Whatever follows ReadyForQuery is PostgresNIO's again.
            if buffer.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(buffer)) }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } else if wholeRows >= Self.chunkBytes {
            handOver()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard !failed else { return }
        guard !finished else { return context.fireChannelReadComplete() }
        handOver()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished { fail(PostgresCopyProtocolError(description: "the connection closed in the middle of the COPY")) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !finished { fail(error) }
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

    // MARK: - Backpressure (on the event loop, from the sequence's delegate)

    /// The consumer wants more: reads resume.
    func resumeReading() {
        demand = true
        if readHeld, let context {
            readHeld = false
            context.read()
        }
    }

    /// The consumer is gone mid-COPY: the connection cannot be used for anything else until
    /// the server has sent everything, so it is closed.
    func consumerGone() {
        guard !finished else { return }
        fail(CancellationError())
        context?.close(promise: nil)
    }

    // MARK: - Messages

    /// Takes the messages in `buffer`, stopping after ReadyForQuery.
    private func consume(_ buffer: inout ByteBuffer) throws {
        while !finished, buffer.readableBytes > 0 {
            if !inBody {
                if header.isEmpty, buffer.readableBytes >= 5, let type = buffer.readInteger(as: UInt8.self),
                    let length = buffer.readInteger(as: Int32.self) {
                    try begin(type, length: Int(length))
                } else {
                    while header.count < 5, let byte = buffer.readInteger(as: UInt8.self) { header.append(byte) }
                    guard header.count == 5 else { return }
                    let length = Int32(bitPattern: header[1...4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
                    let type = header[0]
                    header.removeAll(keepingCapacity: true)
                    try begin(type, length: Int(length))
                }
                if remaining == 0 {
                    try end()
                    continue
                }
            }
            let take = min(remaining, buffer.readableBytes)
            guard var slice = buffer.readSlice(length: take) else { return }
            if messageType == UInt8(ascii: "d") {
                rows.writeBuffer(&slice)
            } else {
                body.writeBuffer(&slice)
            }
            remaining -= take
            if remaining == 0 { try end() }
        }
    }

    private func begin(_ type: UInt8, length: Int) throws {
        guard length >= 4, length <= 1 << 30 else {
            throw PostgresCopyProtocolError(description: "the server sent a message of length \(length)")
        }
        messageType = type
        remaining = length - 4
        inBody = true
        body.clear()
    }

    /// Handles the message whose body is complete.
    private func end() throws {
        inBody = false
        switch messageType {
        case UInt8(ascii: "d"):
            wholeRows = rows.readableBytes
        case UInt8(ascii: "H"):
            // CopyOutResponse: overall format 1 is binary.
            guard body.getInteger(at: body.readerIndex, as: UInt8.self) == 1 else {
                throw PostgresCopyProtocolError(description: "the server started a text COPY where a binary one was asked for")
            }
            copying = true
            settleStart(nil)
        case UInt8(ascii: "1"):
            answered = true
        case UInt8(ascii: "E"):
            answered = true
            serverError = PostgresServerError(body: body)
        case UInt8(ascii: "Z") where !answered:
            passOnReadyForQuery()
        case UInt8(ascii: "Z"):
            finish()
        case UInt8(ascii: "2"), UInt8(ascii: "c"), UInt8(ascii: "C"), UInt8(ascii: "N"), UInt8(ascii: "S"),
            UInt8(ascii: "A"), UInt8(ascii: "n"):
            // BindComplete, CopyDone, CommandComplete, notices, parameter
            // changes, notifications, NoData: nothing to do.
            break
        default:
            throw PostgresCopyProtocolError(description: "the server sent message '\(Character(Unicode.Scalar(messageType)))' during a COPY")
        }
    }

    /// Gives PostgresNIO the ReadyForQuery (its body in `body`) that ends its previous statement.
    private func passOnReadyForQuery() {
        guard let context else { return }
        var message = context.channel.allocator.buffer(capacity: 5 + body.readableBytes)
        message.writeInteger(UInt8(ascii: "Z"))
        message.writeInteger(Int32(truncatingIfNeeded: 4 + body.readableBytes))
        message.writeImmutableBuffer(body)
        context.fireChannelRead(wrapInboundOut(message))
    }

    /// ReadyForQuery: the statement is over, successfully or not.
    private func finish() {
        finished = true
        if let serverError {
            settleStart(serverError)
            source?.finish(serverError)
        } else if !copying {
            let error = PostgresCopyProtocolError(description: "the statement ended without starting a COPY")
            settleStart(error)
            source?.finish(error)
        } else {
            handOver()
            source?.finish()
        }
        source = nil
        if readHeld, let context {
            readHeld = false
            context.read()
        }
    }

    private func fail(_ error: any Error) {
        finished = true
        failed = true
        settleStart(error)
        source?.finish(error)
        source = nil
    }

    private func settleStart(_ error: (any Error)?) {
        guard !startSettled else { return }
        startSettled = true
        if let error { started.fail(error) } else { started.succeed(()) }
    }

    /// Hands the whole rows gathered so far to the consumer; the start of a row whose end
    /// has not come yet stays.
    private func handOver() {
        guard wholeRows > 0, let source, let chunk = rows.getSlice(at: rows.readerIndex, length: wholeRows),
            var rest = rows.getSlice(at: rows.readerIndex + wholeRows, length: rows.readableBytes - wholeRows)
        else { return }
        rows = context?.channel.allocator.buffer(capacity: max(Self.chunkBytes, rest.readableBytes)) ?? ByteBuffer()
        rows.writeBuffer(&rest)
        wholeRows = 0
        switch source.yield(chunk) {
        case .produceMore: demand = true
        case .stopProducing: demand = false
        case .dropped: consumerGone()
        }
    }
}
