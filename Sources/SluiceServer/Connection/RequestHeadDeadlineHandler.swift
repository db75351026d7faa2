import Hummingbird
import HummingbirdCore
import NIOCore
import SluiceCore

/// Closes a connection whose request head (request line and headers) has not arrived whole
/// within `timeout` of its first bytes, so a client sending one header byte every few
/// seconds (slowloris) holds a connection for `timeout`, not for ever.
///
/// It sits after the HTTP decoder, which passes on `channelReadComplete` after every read from
/// the socket whether or not a part was decoded: a read that brings bytes but no part while
/// the connection waits for a head starts the clock, and the head stops it. Between requests,
/// before any byte of the next one, nothing runs (the idle timeout closes quiet connections;
/// it also covers the rare head whose first bytes came in the same read as the end of the
/// request before it).
/// When the clock runs out the client gets `408 Request Timeout` and the connection is closed;
/// if a response to an earlier request is still being written, the connection is just closed.
final class RequestHeadDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP1Channel.Value.InboundPart
    typealias InboundOut = HTTP1Channel.Value.InboundPart
    typealias OutboundIn = HTTP1Channel.Value.OutboundPart
    typealias OutboundOut = HTTP1Channel.Value.OutboundPart

    private let timeout: TimeAmount
    /// Whether the next part expected is a request head.
    private var awaitingHead = true
    /// Whether a part was decoded since the last completed read.
    private var decodedPart = false
    /// Requests whose head has arrived and whose response has not been written whole.
    private var responsesOwed = 0
    private var deadline: Scheduled<Void>?

    /// A handler closing connections whose request head takes longer than `timeout`.
    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        decodedPart = true
        switch unwrapInboundIn(data) {
        case .head:
            awaitingHead = false
            responsesOwed += 1
            cancelDeadline()
        case .body:
            break
        case .end:
            awaitingHead = true
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if awaitingHead, !decodedPart, deadline == nil {
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                deadline = nil
                expire(context: context)
            }
        }
        decodedPart = false
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // An answer to a request that never came whole (a parse error's 400) owes nothing.
        if case .end = unwrapOutboundIn(data) { responsesOwed = max(0, responsesOwed - 1) }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }

    /// The head did not arrive in time: answer 408 when no other response is due, and close.
    private func expire(context: ChannelHandlerContext) {
        guard awaitingHead, context.channel.isActive else { return }
        guard responsesOwed == 0 else {
            context.close(promise: nil)
            return
        }
        let seconds = timeout.nanoseconds / 1_000_000_000
        var body = JSONText.bytes(
            APIError(.requestTimeout, "the request head did not arrive within \(seconds) s (SLUICE_REQUEST_TIMEOUT_S)").body)
        body.append(0x0A)
        var head = HTTPResponse(status: .requestTimeout)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

extension NIOAsyncChannel {
    /// What the channel reads: for ``HTTP1Channel``, the request parts (head, body, end).
    typealias InboundPart = Inbound
    /// What the channel writes: for ``HTTP1Channel``, the response parts.
    typealias OutboundPart = Outbound
}
