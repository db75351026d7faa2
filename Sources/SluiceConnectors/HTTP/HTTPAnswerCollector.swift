import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Reads a whole answer on the connection's event loop, so the task that asked for it wakes
/// once, when the answer is complete, instead of once per piece of the body as with a body
/// stream. This is what lets a loop over many pages keep pace with the server.
///
/// A 2xx body longer than `limit` bytes fails the request with `tooLarge`; of any other answer
/// only the first 64 KiB are kept (for the message). If the head has not arrived by
/// `headDeadline`, the request fails with `HTTPClientError.deadlineExceeded`; silences while the
/// body arrives are the client's read timeout.
final class HTTPAnswerCollector: HTTPClientResponseDelegate {
    typealias Response = Collected

    /// The head and the body read.
    struct Collected: Sendable {
        var head: HTTPResponseHead
        var body: [UInt8]
    }

    /// A 2xx body over the limit.
    struct TooLarge: Error {}

    private struct State {
        var head: HTTPResponseHead?
        var body = ByteBuffer()
        var headTimer: Scheduled<Void>?
    }

    private let state = NIOLockedValueBox(State())
    private let limit: Int
    private let headDeadline: NIODeadline

    static let keptOfOtherAnswers = 64 << 10

    init(limit: Int, headDeadline: NIODeadline) {
        self.limit = limit
        self.headDeadline = headDeadline
    }

    /// The head, once it arrived.
    var head: HTTPResponseHead? { state.withLockedValue { $0.head } }

    func didSendRequestHead(task: HTTPClient.Task<Collected>, _ head: HTTPRequestHead) {}

    /// Arms the head deadline as soon as the task exists (the first call made on the event loop
    /// is the request head being sent, which follows the connection).
    func arm(_ task: HTTPClient.Task<Collected>) {
        // A head that already arrived needs no timer (it would only hold the task until the deadline).
        guard head == nil else { return }
        let timer = task.eventLoop.scheduleTask(deadline: headDeadline) { [weak self] in
            guard let self, self.head == nil else { return }
            task.fail(reason: HTTPClientError.deadlineExceeded)
        }
        state.withLockedValue { $0.headTimer = timer }
    }

    func didReceiveHead(task: HTTPClient.Task<Collected>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let timer = state.withLockedValue { state in
            state.head = head
            if let length = head.headers.first(name: "Content-Length").flatMap({ Int($0) }), (200..<300).contains(Int(head.status.code)) {
                state.body.reserveCapacity(min(max(0, length), limit))
            }
            defer { state.headTimer = nil }
            return state.headTimer
        }
        timer?.cancel()
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Collected>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        var part = buffer
        let tooLarge: Bool = state.withLockedValue { state in
            let success = state.head.map { (200..<300).contains(Int($0.status.code)) } ?? false
            let room = (success ? limit : Self.keptOfOtherAnswers) - state.body.readableBytes
            if part.readableBytes > room {
                if success { return true }
                part = part.getSlice(at: part.readerIndex, length: max(0, room)) ?? ByteBuffer()
            }
            state.body.writeBuffer(&part)
            return false
        }
        return tooLarge ? task.eventLoop.makeFailedFuture(TooLarge()) : task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveError(task: HTTPClient.Task<Collected>, _ error: any Error) {
        state.withLockedValue { $0.headTimer }?.cancel()
    }

    func didFinishRequest(task: HTTPClient.Task<Collected>) throws -> Collected {
        let (head, body) = state.withLockedValue { state in
            defer { state.body = ByteBuffer() }
            return (state.head, state.body)
        }
        guard let head else { throw HTTPClientError.remoteConnectionClosed }
        return Collected(head: head, body: body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? [])
    }
}
