import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SluiceCore
import Synchronization

/// One SSE connection after another: each is a GET of the stream with the last event ID
/// received so far, its body fed to an ``EventStreamParser`` as it arrives and each kept
/// event decoded into records. What must outlive a connection (the last event ID, the
/// server's `retry` time, the count of events) is kept here.
final class SSEConnector: StreamConnector {
    private struct Progress {
        var lastEventId: String
        var reconnectionTime: Int?
        var sequence = 0
    }

    let url: String
    let headers: [(String, String)]
    let events: Set<String>?
    let idField: String?
    let eventField: String?
    let maxEventBytes: Int
    let connectTimeout: Duration
    private let progress: Mutex<Progress>

    init(
        url: String, headers: [(String, String)], events: Set<String>?, idField: String?, eventField: String?, lastEventId: String,
        maxEventBytes: Int, connectTimeout: Duration
    ) {
        self.url = url
        self.headers = headers
        self.events = events
        self.idField = idField
        self.eventField = eventField
        self.maxEventBytes = maxEventBytes
        self.connectTimeout = connectTimeout
        progress = Mutex(Progress(lastEventId: lastEventId))
    }

    func run(_ session: StreamSession) async throws -> ConnectionEnd {
        let start = progress.withLock { $0 }
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.headers.add(name: "Cache-Control", value: "no-store")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if !start.lastEventId.isEmpty { request.headers.replaceOrAdd(name: "Last-Event-ID", value: start.lastEventId) }
        let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(connectTimeout.milliseconds))
        switch response.status.code {
        case 204:
            return .finished  // the standard's way for a server to stop the client reconnecting
        case 200..<300:
            break
        case 408, 429, 500..<600:
            throw TransientStreamFailure(description: "the server answered HTTP \(response.status.code) \(response.status.reasonPhrase)")
        default:
            throw PermanentStreamFailure(description: "the server answered HTTP \(response.status.code) \(response.status.reasonPhrase)")
        }
        let contentType = response.headers.first(name: "Content-Type") ?? ""
        let mediaType = contentType.lowercased().split(separator: ";").first.map { $0.filter { $0 != " " && $0 != "\t" } }
        guard mediaType == "text/event-stream" else {
            throw PermanentStreamFailure(description: "the answer is not an event stream (Content-Type '\(contentType)')")
        }
        session.connected()
        var parser = EventStreamParser(maxEventBytes: maxEventBytes, lastEventId: start.lastEventId)
        for try await buffer in response.body {
            session.received()
            let dispatched = buffer.withUnsafeReadableBytes { parser.feed($0) }
            for event in dispatched {
                let sequence = progress.withLock { progress in
                    progress.sequence += 1
                    return progress.sequence
                }
                if let message = decode(event, sequence: sequence) { try await session.deliver(message) }
                // The ID counts as received once its event was handed on, not before.
                progress.withLock { $0.lastEventId = event.id }
            }
            // An ID dispatched without data (or with an event not kept) counts too.
            let (lastEventId, reconnectionTime) = (parser.lastEventId, parser.reconnectionTime)
            progress.withLock { progress in
                progress.lastEventId = lastEventId
                if let reconnectionTime { progress.reconnectionTime = reconnectionTime }
            }
        }
        return .dropped
    }

    /// The event's records, or `nil` for an event of a type not kept.
    func decode(_ event: ServerSentEvent, sequence: Int) -> StreamMessage? {
        if let events, !events.contains(event.type) { return nil }
        let name = event.id.isEmpty ? "event #\(sequence)" : "event '\(event.id)' (#\(sequence))"
        let id: Value = event.id.isEmpty ? .null : .string(event.id)
        func raw(_ data: Value) -> Value {
            .object(ValueObject([("id", id), ("event", .string(event.type)), ("data", data)]))
        }
        guard !event.tooLarge else {
            return .refused(
                raw(.null), reason: "\(name) is larger than maxMessageBytes (\(maxEventBytes) bytes); its data was skipped",
                position: sequence, bytes: maxEventBytes)
        }
        var extra: [(String, Value)] = []
        if let idField { extra.append((idField, id)) }
        if let eventField { extra.append((eventField, .string(event.type))) }
        return .decoding(event.data, position: sequence, describe: "the data of \(name)", rawRecord: { raw(.string(event.text)) }, adding: extra)
    }

    func reconnectDelay(failures: Int, policy: NetworkRetryPolicy) -> Duration {
        let backoff = failures == 0 ? 0 : policy.delaySeconds(attempt: failures - 1)
        // The server's `retry` time is the least wait; after failures the backoff may be longer.
        let hint = progress.withLock { $0.reconnectionTime }.map { policy.honoured(retryAfterSeconds: Double($0) / 1000) } ?? 0
        return .milliseconds(Int(max(backoff, hint) * 1000))
    }
}
