import NIOCore

/// The client's side of a connection: answers the server's `PING`s, matches replies to
/// requests by their reply subject (one inbox per connection, `<inbox>.<token>`, one
/// subscription), and matches `PONG`s to the client's `PING`s in order.
///
/// A request answered by several messages (a JetStream fetch) gets a subscription of its own
/// (`<inbox>.f.<token>`) for as long as it waits: the messages a consumer delivers keep their
/// own subjects, so only the subscription tells whose they are.
///
/// Every request and every `PING` has a deadline on the event loop. One unanswered by its
/// deadline fails everything waiting and closes the connection (a server that does not answer
/// is not trusted with the next request either); so do `-ERR`, a protocol violation and the
/// server closing the connection. Nothing is sent once the connection has failed.
final class NATSClientHandler: ChannelDuplexHandler {
    typealias InboundIn = NATSServerOperation
    typealias OutboundIn = Outbound
    typealias OutboundOut = ByteBuffer

    /// What the connection asks of the handler.
    enum Outbound: Sendable {
        /// Commands written as they are (`CONNECT`, `SUB`, a publish without an answer).
        case commands([NATSCommand])
        /// Publishes whose answers come to the inbox, written together.
        case requests([Request])
        /// `commands`, then a `PING` whose promise completes with the `PONG` (or fails with the
        /// server's `-ERR` about the commands: `CONNECT` with a wrong password).
        case ping(after: [NATSCommand], deadline: NIODeadline, promise: EventLoopPromise<Void>)
        /// The server's first `INFO`, now or when it arrives.
        case greeting(deadline: NIODeadline, promise: EventLoopPromise<NATSServerInfo>)
    }

    /// A publish whose answers come to a reply subject of the inbox.
    struct Request: Sendable {
        var subject: String
        var headers: NATSHeaders?
        var payload: [UInt8]
        /// nil: the first answer; n: up to n messages, ended early by a status message (a
        /// JetStream fetch ends with `404`/`408` when fewer are there).
        var collect: Int?
        var deadline: NIODeadline
        var promise: EventLoopPromise<[NATSMessage]>
    }

    private struct Waiting {
        var subject: String
        /// The request's own subscription (a fetch), ended with `UNSUB` when it is done.
        var sid: String?
        var collect: Int?
        var messages: [NATSMessage]
        var promise: EventLoopPromise<[NATSMessage]>
        var timer: Scheduled<Void>?
    }

    private struct Timed<Value> {
        var promise: EventLoopPromise<Value>
        var timer: Scheduled<Void>?
    }

    /// `_INBOX.<random>`: replies arrive on `<inbox>.<token>`.
    let inbox: String
    /// The subscription of `<inbox>.*`.
    let inboxSID: String
    private var nextToken: UInt64 = 0
    private var waiting: [UInt64: Waiting] = [:]
    /// The subscriptions of fetches waiting, to the token of their request.
    private var fetches: [String: UInt64] = [:]
    private var pongs = CircularBuffer<Timed<Void>>()
    private var info: NATSServerInfo?
    private var greetings: [Timed<NATSServerInfo>] = []
    private var failure: NATSError?

    init(inbox: String, inboxSID: String) {
        self.inbox = inbox
        self.inboxSID = inboxSID
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let outbound = unwrapOutboundIn(data)
        if failure != nil {
            // The reason went to what was waiting; later calls only learn the end.
            let closed = NATSError.connection("the connection to the NATS server is closed")
            switch outbound {
            case .commands: break
            case .requests(let requests): for request in requests { request.promise.fail(closed) }
            case .ping(_, _, let pong): pong.fail(closed)
            case .greeting(_, let greeting): greeting.fail(closed)
            }
            promise?.fail(closed)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 256)
        switch outbound {
        case .commands(let commands):
            for command in commands { command.write(into: &buffer) }
        case .requests(let requests):
            for request in requests {
                nextToken += 1
                let token = nextToken
                var replyTo = "\(inbox).\(token)"
                var sid: String?
                if request.collect != nil {
                    // Not under `<inbox>.*`: one token more.
                    replyTo = "\(inbox).f.\(token)"
                    sid = String(token + 1)
                    fetches[String(token + 1)] = token
                    NATSCommand.subscribe(subject: replyTo, sid: String(token + 1)).write(into: &buffer)
                }
                NATSCommand.publish(subject: request.subject, replyTo: replyTo, headers: request.headers, payload: request.payload)
                    .write(into: &buffer)
                let subject = request.subject
                let timer = schedule(context, request.deadline) { handler, context in
                    handler.failAll(.timeout("no answer from the NATS server within the timeout (\(subject))"), context: context)
                }
                waiting[token] = Waiting(subject: subject, sid: sid, collect: request.collect, messages: [], promise: request.promise, timer: timer)
            }
        case .ping(let commands, let deadline, let pong):
            for command in commands { command.write(into: &buffer) }
            NATSCommand.ping.write(into: &buffer)
            let timer = schedule(context, deadline) { handler, context in
                handler.failAll(.timeout("no PONG from the NATS server within the timeout"), context: context)
            }
            pongs.append(Timed(promise: pong, timer: timer))
        case .greeting(let deadline, let greeting):
            if let info {
                greeting.succeed(info)
            } else {
                let timer = schedule(context, deadline) { handler, context in
                    handler.failAll(.timeout("no INFO from the NATS server within the connect timeout"), context: context)
                }
                greetings.append(Timed(promise: greeting, timer: timer))
            }
            promise?.succeed(())
            return
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    /// Runs `body` at `deadline` on the event loop, with the handler and its context.
    private func schedule(
        _ context: ChannelHandlerContext, _ deadline: NIODeadline, _ body: @escaping (NATSClientHandler, ChannelHandlerContext) -> Void
    ) -> Scheduled<Void> {
        let loopBound = NIOLoopBound((self, context, body), eventLoop: context.eventLoop)
        return context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context, body) = loopBound.value
            body(handler, context)
        }
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .info(let info):
            self.info = info
            for greeting in greetings {
                greeting.timer?.cancel()
                greeting.promise.succeed(info)
            }
            greetings = []
        case .ping:
            var buffer = context.channel.allocator.buffer(capacity: 6)
            NATSCommand.pong.write(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .pong:
            guard let pong = pongs.popFirst() else {
                failAll(.protocolViolation("a PONG to no PING"), context: context)
                return
            }
            pong.timer?.cancel()
            pong.promise.succeed(())
        case .ok:
            break
        case .error(let message):
            failAll(.server(message), context: context)
        case .message(let message):
            deliver(message, context: context)
        }
    }

    /// Hands a message to the request its reply subject (or a fetch's subscription) names;
    /// anything else (an answer to a request that already ended) is dropped.
    private func deliver(_ message: NATSMessage, context: ChannelHandlerContext) {
        let found: UInt64?
        let byInbox = message.sid == inboxSID
        if byInbox {
            let prefix = inbox.utf8.count + 1
            found = message.subject.hasPrefix(inbox + ".") ? UInt64(String(decoding: message.subject.utf8.dropFirst(prefix), as: UTF8.self)) : nil
        } else {
            found = fetches[message.sid]
        }
        // A fetch's messages come only through its own subscription.
        guard let token = found, var entry = waiting[token], byInbox == (entry.sid == nil) else { return }
        // An idle heartbeat says only that the server is there.
        if message.status == 100 { return }
        if message.status == 503 {
            finish(token, entry, context: context)
            entry.promise.fail(NATSError.noResponders(subject: entry.subject))
            return
        }
        entry.messages.append(message)
        let done: Bool
        if let collect = entry.collect {
            done = message.status != nil || entry.messages.count >= collect
        } else {
            done = true
        }
        if done {
            finish(token, entry, context: context)
            entry.promise.succeed(entry.messages)
        } else {
            waiting[token] = entry
        }
    }

    /// Takes a request that got its answer off the waiting list, ending its subscription.
    private func finish(_ token: UInt64, _ entry: Waiting, context: ChannelHandlerContext) {
        waiting[token] = nil
        entry.timer?.cancel()
        if let sid = entry.sid {
            fetches[sid] = nil
            var buffer = context.channel.allocator.buffer(capacity: 16)
            NATSCommand.unsubscribe(sid: sid, after: nil).write(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason = (error as? NATSError) ?? .connection("the connection to the NATS server failed: \(error)")
        failAll(reason, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connection("the NATS server closed the connection"), context: context)
        context.fireChannelInactive()
    }

    /// Fails everything waiting with `reason`, and every later call, and closes the channel
    /// (first, so that whoever learns of the failure finds the connection closed).
    private func failAll(_ reason: NATSError, context: ChannelHandlerContext) {
        if failure == nil { failure = reason }
        let entries = waiting.values
        waiting = [:]
        fetches = [:]
        var pongs: [Timed<Void>] = []
        while let pong = self.pongs.popFirst() { pongs.append(pong) }
        let greetings = self.greetings
        self.greetings = []
        context.close(promise: nil)
        for entry in entries {
            entry.timer?.cancel()
            entry.promise.fail(reason)
        }
        for pong in pongs {
            pong.timer?.cancel()
            pong.promise.fail(reason)
        }
        for greeting in greetings {
            greeting.timer?.cancel()
            greeting.promise.fail(reason)
        }
    }
}
