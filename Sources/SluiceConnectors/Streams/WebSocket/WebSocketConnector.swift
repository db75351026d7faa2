import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import SluiceCore
import Synchronization

/// One WebSocket connection after another (hummingbird-websocket's client): each sends the
/// `subscribe` message once the upgrade is done, then gathers the frames of each message
/// (up to `maxMessageBytes`; the rest of a larger one is skipped) and decodes it into records.
/// The message count runs on across connections, so sequence numbers never repeat.
final class WebSocketConnector: StreamConnector {
    let url: String
    let headers: HTTPFields
    let subscribe: String?
    let maxMessageBytes: Int
    let logger: Logger
    private let sequence = Mutex(0)

    init(url: String, headers: HTTPFields, subscribe: String?, maxMessageBytes: Int, logger: Logger) {
        self.url = url
        self.headers = headers
        self.subscribe = subscribe
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger
    }

    func run(_ session: StreamSession) async throws -> ConnectionEnd {
        // One frame may be as large as a message; the client refuses a larger one outright.
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: maxMessageBytes, additionalHeaders: headers, closeTimeout: .seconds(1))
        let client = WebSocketClient(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
            session.connected()
            if let subscribe = self.subscribe { try await outbound.write(.text(subscribe)) }
            try await self.read(inbound, into: session)
        }
        do {
            try await client.run()
        } catch NIOWebSocketError.invalidFrameLength {
            throw PermanentStreamFailure(description: "the server sent a frame larger than maxMessageBytes (\(maxMessageBytes) bytes)")
        } catch let error as WebSocketClientError where error == .serverSentMessageTooLarge {
            throw PermanentStreamFailure(description: "the server sent a frame larger than maxMessageBytes (\(maxMessageBytes) bytes)")
        } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
            throw TransientStreamFailure(description: "the server did not accept the WebSocket upgrade")
        }
        return .dropped
    }

    /// Gathers messages from their frames and hands each one's records on.
    private func read(_ inbound: WebSocketInboundStream, into session: StreamSession) async throws {
        var frames = inbound.makeAsyncIterator()
        var message: [UInt8] = []
        var size = 0
        var tooLarge = false
        while let frame = try await frames.next() {
            session.received()
            if frame.opcode != .continuation {
                message.removeAll(keepingCapacity: message.capacity <= 1 << 16)
                size = 0
                tooLarge = false
            }
            size += frame.data.readableBytes
            if size > maxMessageBytes {
                tooLarge = true
                message = []
            } else if !tooLarge {
                message += frame.data.readableBytesView
            }
            guard frame.fin else { continue }
            let position = sequence.withLock { count in
                count += 1
                return count
            }
            if tooLarge {
                let reason = "message \(position) is larger than maxMessageBytes (\(maxMessageBytes) bytes); it was skipped"
                try await session.deliver(.refused(.null, reason: reason, position: position, bytes: size))
            } else {
                let text = message
                try await session.deliver(
                    .decoding(
                        text, position: position, describe: "message \(position)", rawRecord: { .string(String(decoding: text, as: UTF8.self)) }))
            }
        }
    }
}
