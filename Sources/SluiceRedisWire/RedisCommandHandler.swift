import NIOCore

/// Matches replies to the commands sent, in order (Redis answers every command, in order, on
/// one connection). Each write is a batch of commands whose promise completes with all their
/// replies; an error reply is a value in that list, not a failure. A batch unanswered by its
/// deadline fails every batch waiting and closes the connection, since replies arriving later
/// could no longer be matched.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = Batch
    typealias OutboundOut = ByteBuffer

    /// Commands sent together, their deadline, and the promise of their replies.
    struct Batch {
        var commands: [RESPCommand]
        var deadline: NIODeadline
        var promise: EventLoopPromise<[RESPValue]>
    }

    private struct Waiting {
        var expected: Int
        var replies: [RESPValue]
        var promise: EventLoopPromise<[RESPValue]>
        var timer: Scheduled<Void>?
        var names: String
    }

    private var waiting = CircularBuffer<Waiting>()
    private var failure: RedisError?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let batch = unwrapOutboundIn(data)
        if failure != nil {
            // The reason went to the commands that were waiting; later ones only learn the end.
            let closed = RedisError.connection("the connection to the Redis server is closed")
            batch.promise.fail(closed)
            promise?.fail(closed)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 64 * batch.commands.count)
        for command in batch.commands { command.write(into: &buffer) }
        let names = Set(batch.commands.map(\.name)).sorted().joined(separator: ", ")
        if batch.commands.isEmpty {
            batch.promise.succeed([])
        } else {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let timer = context.eventLoop.scheduleTask(deadline: batch.deadline) {
                let (handler, context) = loopBound.value
                handler.failAll(.timeout("no answer from the Redis server within the timeout (\(names))"), context: context)
            }
            waiting.append(
                Waiting(expected: batch.commands.count, replies: [], promise: batch.promise, timer: timer, names: names))
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard !waiting.isEmpty else {
            failAll(.protocolViolation("a reply to no command"), context: context)
            return
        }
        waiting[waiting.startIndex].replies.append(reply)
        if waiting[waiting.startIndex].replies.count == waiting[waiting.startIndex].expected {
            let done = waiting.removeFirst()
            done.timer?.cancel()
            done.promise.succeed(done.replies)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason = (error as? RedisError) ?? .connection("the connection to the Redis server failed: \(error)")
        failAll(reason, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connection("the Redis server closed the connection"), context: context)
        context.fireChannelInactive()
    }

    /// Fails every batch waiting with `reason`, and every later write, and closes the channel.
    private func failAll(_ reason: RedisError, context: ChannelHandlerContext) {
        if failure == nil { failure = reason }
        while let entry = waiting.popFirst() {
            entry.timer?.cancel()
            entry.promise.fail(reason)
        }
        context.close(promise: nil)
    }
}

