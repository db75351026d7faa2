import NIOCore
import NIOSSL

/// Holds the packets the server sent until the connection asks for them, and stops reading
/// from the socket while too many wait (backpressure: a slow reader of a big result set
/// makes the server wait, instead of the rows piling up in memory).
///
/// The channel reads as usual (auto-read); this handler holds back the `read` request when
/// ``highWatermarkPackets`` packets or ``highWatermarkBytes`` bytes are buffered and lets it
/// through once the reader has taken them. Runs on the channel's event loop only.
final class MySQLInbox: ChannelDuplexHandler {
    typealias InboundIn = MySQLPacket
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let highWatermarkPackets = 2048
    static let highWatermarkBytes = 4 << 20

    private var packets = CircularBuffer<MySQLPacket>()
    private var bufferedBytes = 0
    private var waiter: (promise: EventLoopPromise<[MySQLPacket]>, max: Int)?
    private var failure: MySQLError?
    private var readHeld = false
    private var context: ChannelHandlerContext?
    private let health: MySQLConnectionHealth

    init(health: MySQLConnectionHealth) {
        self.health = health
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = unwrapInboundIn(data)
        packets.append(packet)
        bufferedBytes += packet.payload.readableBytes
        deliver()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connection("the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            fail(.tls("TLS with the MySQL server failed: \(error)"))
        } else {
            fail(.connection("connection to the MySQL server failed: \(error)"))
        }
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if packets.count >= Self.highWatermarkPackets || bufferedBytes >= Self.highWatermarkBytes {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// How many packets wait to be taken.
    var bufferedCount: Int { packets.count }

    /// Up to `max` packets (at least one): those waiting, or the next to arrive.
    func take(max: Int, eventLoop: any EventLoop) -> EventLoopFuture<[MySQLPacket]> {
        if !packets.isEmpty { return eventLoop.makeSucceededFuture(drain(max)) }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        let promise = eventLoop.makePromise(of: [MySQLPacket].self)
        waiter = (promise, max)
        resumeReading()
        return promise.futureResult
    }

    private func deliver() {
        guard let (promise, max) = waiter, !packets.isEmpty else { return }
        waiter = nil
        promise.succeed(drain(max))
    }

    private func drain(_ max: Int) -> [MySQLPacket] {
        var out: [MySQLPacket] = []
        out.reserveCapacity(min(max, packets.count))
        while out.count < max, let packet = packets.popFirst() {
            bufferedBytes -= packet.payload.readableBytes
            out.append(packet)
        }
        resumeReading()
        return out
    }

    private func resumeReading() {
        guard readHeld, packets.count < Self.highWatermarkPackets / 2, bufferedBytes < Self.highWatermarkBytes / 2 else { return }
        readHeld = false
        context?.read()
    }

    private func fail(_ error: MySQLError) {
        health.markBroken()
        if failure == nil { failure = error }
        if let (promise, _) = waiter {
            waiter = nil
            promise.fail(failure ?? error)
        }
    }
}
