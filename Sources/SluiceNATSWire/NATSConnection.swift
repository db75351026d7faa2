import Foundation
import NIOCore
import NIOPosix

/// One client connection to a NATS server, over SwiftNIO. Written here because no maintained
/// NATS client is among the packages this project may use; it speaks the client protocol
/// (`INFO`, `CONNECT`, `PUB`/`HPUB`, `SUB`/`UNSUB`, `MSG`/`HMSG`, `PING`/`PONG`), without TLS.
///
/// Requests (a publish with a reply subject) may be sent from several tasks at once; each
/// answer is matched by its reply subject, under one inbox per connection. A request nobody
/// listens for throws ``NATSError/noResponders(subject:)`` and leaves the connection usable; a
/// timeout, a protocol violation, a server error (`-ERR`) or a cancelled wait closes it.
public final class NATSConnection: Sendable {
    let channel: any Channel
    public let configuration: NATSConnectionConfiguration
    /// What the server said about itself when the connection was made.
    public let serverInfo: NATSServerInfo
    /// The inbox the replies to this connection's requests arrive under.
    public let inbox: String

    init(channel: any Channel, configuration: NATSConnectionConfiguration, serverInfo: NATSServerInfo, inbox: String) {
        self.channel = channel
        self.configuration = configuration
        self.serverInfo = serverInfo
        self.inbox = inbox
    }

    /// The options of `CONNECT`: no `+OK` for every command (verbose), headers and the
    /// no-responders status on, credentials when configured.
    struct ConnectOptions: Encodable {
        var verbose = false
        var pedantic = false
        var tlsRequired = false
        var name: String
        var lang = "swift"
        var version = "1.0.0"
        var `protocol` = 1
        var headers = true
        var noResponders = true
        var user: String?
        var pass: String?
        var authToken: String?

        enum CodingKeys: String, CodingKey {
            case verbose, pedantic, name, lang, version, `protocol`, headers, user, pass
            case tlsRequired = "tls_required"
            case noResponders = "no_responders"
            case authToken = "auth_token"
        }
    }

    /// Connects, reads the server's `INFO`, signs in (`CONNECT`, answered by the `PONG` to a
    /// `PING`) and subscribes to the connection's inbox, all within the connect timeout.
    public static func connect(_ configuration: NATSConnectionConfiguration) async throws -> NATSConnection {
        let inbox = "_INBOX." + randomToken()
        let inboxSID = "1"
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(NATSDecoder(maxPayloadBytes: configuration.maxPayloadBytes)))
                        try channel.pipeline.syncOperations.addHandler(NATSClientHandler(inbox: inbox, inboxSID: inboxSID))
                    }
                }
                .connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw NATSError.connection("could not connect to the NATS server at \(configuration.host):\(configuration.port): \(error)")
        }
        do {
            let deadline = NIODeadline.now() + TimeAmount(configuration.connectTimeout)
            let greeting = channel.eventLoop.makePromise(of: NATSServerInfo.self)
            try await send(.greeting(deadline: deadline, promise: greeting), on: channel)
            let info = try await greeting.futureResult.get()
            if info.tlsRequired == true {
                throw NATSError.connection("the NATS server requires TLS, which this client does not speak; use a server or listener without TLS on a trusted network, or a TLS tunnel")
            }
            guard info.headers == true else { throw NATSError.connection("the NATS server does not support message headers (it is older than 2.2)") }
            let options = ConnectOptions(
                name: configuration.name, user: configuration.user, pass: configuration.password, authToken: configuration.token)
            let json = try JSONEncoder().encode(options)
            // A refused sign-in answers with -ERR (instead of the PONG) and closes the connection.
            let pong = channel.eventLoop.makePromise(of: Void.self)
            let signIn: [NATSCommand] = [.connect(Array(json)), .subscribe(subject: inbox + ".*", sid: inboxSID)]
            try await send(.ping(after: signIn, deadline: deadline, promise: pong), on: channel)
            try await pong.futureResult.get()
            return NATSConnection(channel: channel, configuration: configuration, serverInfo: info, inbox: inbox)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Whether requests can still be sent.
    public var isUsable: Bool { channel.isActive }

    /// The largest message (header block and payload) the server takes.
    public var maxMessageBytes: Int { min(serverInfo.maxPayload ?? 1 << 20, configuration.maxPayloadBytes) }

    /// Publishes a message that nothing answers; returns once it is handed to the socket.
    public func publish(_ subject: String, headers: NATSHeaders? = nil, payload: [UInt8]) async throws {
        let command = NATSCommand.publish(subject: subject, replyTo: nil, headers: headers, payload: payload)
        try check(command, subject)
        try await Self.send(.commands([command]), on: channel)
    }

    /// Publishes a message and returns the first answer; nobody listening throws
    /// ``NATSError/noResponders(subject:)``. `timeout` defaults to the configuration's.
    public func request(_ subject: String, headers: NATSHeaders? = nil, payload: [UInt8], timeout: Duration? = nil) async throws -> NATSMessage {
        let answers = try await requests([NATSOutgoingMessage(subject: subject, headers: headers, payload: payload)], timeout: timeout)
        guard let answer = try answers.first?.get() else { throw NATSError.protocolViolation("a request ended without an answer") }
        return answer
    }

    /// Publishes `messages` in one write, each with its own reply subject, and returns each
    /// one's first answer in order (pipelining: the server works through them while the
    /// answers come back). A message nobody listens for is a failed result; a timeout or a
    /// lost connection throws.
    public func requests(_ messages: [NATSOutgoingMessage], timeout: Duration? = nil) async throws -> [Result<NATSMessage, NATSError>] {
        let deadline = NIODeadline.now() + TimeAmount(timeout ?? configuration.requestTimeout)
        var requests: [NATSClientHandler.Request] = []
        requests.reserveCapacity(messages.count)
        for message in messages {
            try check(.publish(subject: message.subject, replyTo: nil, headers: message.headers, payload: message.payload), message.subject)
            requests.append(NATSClientHandler.Request(
                subject: message.subject, headers: message.headers, payload: message.payload, collect: nil, deadline: deadline,
                promise: channel.eventLoop.makePromise()))
        }
        let futures = requests.map(\.promise.futureResult)
        return try await withCancellationClosing {
            try await Self.send(.requests(requests), on: self.channel)
            var answers: [Result<NATSMessage, NATSError>] = []
            answers.reserveCapacity(futures.count)
            for future in futures {
                do {
                    let message = try await future.get().first
                    guard let message else { throw NATSError.protocolViolation("a request ended without an answer") }
                    answers.append(.success(message))
                } catch let error as NATSError {
                    guard case .noResponders = error else { throw error }
                    answers.append(.failure(error))
                }
            }
            return answers
        }
    }

    /// Publishes a request whose answer is several messages (a JetStream fetch): up to
    /// `maxMessages`, ended early by a status message (which is the last one returned). The
    /// server's own expiry should end it before `timeout`, which then closes the connection.
    public func collect(_ subject: String, payload: [UInt8], maxMessages: Int, timeout: Duration) async throws -> [NATSMessage] {
        try check(.publish(subject: subject, replyTo: nil, headers: nil, payload: payload), subject)
        let promise = channel.eventLoop.makePromise(of: [NATSMessage].self)
        let request = NATSClientHandler.Request(
            subject: subject, headers: nil, payload: payload, collect: max(1, maxMessages), deadline: NIODeadline.now() + TimeAmount(timeout),
            promise: promise)
        return try await withCancellationClosing {
            try await Self.send(.requests([request]), on: self.channel)
            return try await promise.futureResult.get()
        }
    }

    /// Sends `PING` and waits for the `PONG`: everything sent before has reached the server.
    public func flush(timeout: Duration? = nil) async throws {
        let pong = channel.eventLoop.makePromise(of: Void.self)
        let deadline = NIODeadline.now() + TimeAmount(timeout ?? configuration.requestTimeout)
        try await withCancellationClosing {
            try await Self.send(.ping(after: [], deadline: deadline, promise: pong), on: self.channel)
            try await pong.futureResult.get()
        }
    }

    /// Ends the inbox subscription and closes the connection.
    public func close() async {
        if channel.isActive { try? await Self.send(.commands([.unsubscribe(sid: "1", after: nil)]), on: channel) }
        try? await channel.close()
    }

    /// Throws ``NATSError/invalid(_:)`` for a subject the server would misread or a message
    /// larger than it takes.
    private func check(_ command: NATSCommand, _ subject: String) throws(NATSError) {
        try NATSSubject.validate(subject, wildcards: false)
        let bytes = command.messageBytes
        guard bytes <= maxMessageBytes else {
            throw .invalid("a message of \(bytes) bytes is larger than the NATS server takes (max_payload \(maxMessageBytes) bytes)")
        }
    }

    /// Writes `outbound`. A write to a closed channel never reaches the handler, so its failure
    /// fails the promises `outbound` carries (a promise the handler already failed keeps that
    /// first failure).
    private static func send(_ outbound: NATSClientHandler.Outbound, on channel: any Channel) async throws {
        do {
            try await channel.writeAndFlush(outbound)
        } catch {
            let closed = NATSError.connection("the connection to the NATS server is closed")
            switch outbound {
            case .commands: break
            case .requests(let requests): for request in requests { request.promise.fail(closed) }
            case .ping(_, _, let promise): promise.fail(closed)
            case .greeting(_, let promise): promise.fail(closed)
            }
            throw (error as? NATSError) ?? closed
        }
    }

    /// Runs `body`; a cancelled wait closes the connection, since its answers could no longer
    /// be matched to anyone.
    private func withCancellationClosing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let channel = channel
        return try await withTaskCancellationHandler {
            try await body()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// 22 random letters and digits.
    static func randomToken() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<22).map { _ in alphabet.randomElement(using: &generator) ?? "x" })
    }
}

/// A message to publish as a request (see ``NATSConnection/requests(_:timeout:)``).
public struct NATSOutgoingMessage: Sendable {
    public var subject: String
    public var headers: NATSHeaders?
    public var payload: [UInt8]

    public init(subject: String, headers: NATSHeaders? = nil, payload: [UInt8]) {
        self.subject = subject
        self.headers = headers
        self.payload = payload
    }
}
