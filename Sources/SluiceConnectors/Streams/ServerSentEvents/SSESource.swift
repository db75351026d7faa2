import SluiceCore

/// Reads records from a Server-Sent Events stream (`text/event-stream` over HTTP): each
/// event's `data` is JSON, an object being one record and an array one record per element.
///
/// The connection is reopened when it drops, sending `Last-Event-ID` so the server resumes
/// after the last event received, and waiting the server's `retry` time. The read ends after
/// `maxRecords` records or `maxDurationMs`.
public struct SSESource: Source {
    public static let type = "sse"

    /// `source.config` of an SSE source.
    public struct Config: Decodable, Sendable {
        /// An `http` or `https` URL.
        public var url: String
        /// Request headers; secrets may be written as `${env:NAME}`.
        public var headers: [String: String]?
        /// The event types to keep (`message` for events without an `event` field); all when absent.
        public var events: [String]?
        /// The field to put each event's ID in.
        public var idField: String?
        /// The field to put each event's type in.
        public var eventField: String?
        /// The `Last-Event-ID` to send on the first connection (resume a stream).
        public var lastEventId: String?
        /// Records after which the read ends.
        public var maxRecords: Int?
        /// Milliseconds after which the read ends.
        public var maxDurationMs: Int?
        /// Whether the read goes on until the job is stopped.
        public var continuous: Bool?
        /// Milliseconds a connection attempt may take.
        public var connectTimeoutMs: Int?
        /// Milliseconds without data before the connection counts as dropped.
        public var idleTimeoutMs: Int?
        /// The largest event's data, in bytes.
        public var maxMessageBytes: Int?
        /// Reconnecting.
        public var retry: NetworkRetryPolicy.Config?
    }

    let url: String
    let headers: [(String, String)]
    let events: Set<String>?
    let idField: String?
    let eventField: String?
    let lastEventId: String
    let settings: StreamSettings
    let context: ComponentContext

    public init(config: Config, context: ComponentContext) throws {
        let lower = config.url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), config.url.count > 8 else {
            throw SpecError(path: "url", "expected an http:// or https:// URL, got '\(Secrets.redactURL(config.url))'")
        }
        if let events = config.events, events.isEmpty || events.contains(where: \.isEmpty) {
            throw SpecError(path: "events", "list at least one event type, none of them empty")
        }
        for (key, field) in [("idField", config.idField), ("eventField", config.eventField)] where field?.isEmpty == true {
            throw SpecError(path: key, "must not be empty")
        }
        if let idField = config.idField, idField == config.eventField {
            throw SpecError(path: "eventField", "must differ from idField ('\(idField)')")
        }
        if let id = config.lastEventId, id.contains("\0") || id.contains("\n") || id.contains("\r") {
            throw SpecError(path: "lastEventId", "must not hold NUL, CR or LF")
        }
        url = config.url
        headers = (config.headers ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        events = config.events.map(Set.init)
        idField = config.idField
        eventField = config.eventField
        lastEventId = config.lastEventId ?? ""
        settings = try StreamSettings(
            maxRecords: config.maxRecords, maxDurationMs: config.maxDurationMs, connectTimeoutMs: config.connectTimeoutMs,
            idleTimeoutMs: config.idleTimeoutMs, maxMessageBytes: config.maxMessageBytes, retry: config.retry,
            batchSize: context.batchSize, continuous: config.continuous)
        self.context = context
    }

    /// The URL without its query string and with its user-info password hidden: both may
    /// carry credentials.
    /// Whether the read goes on until the job is stopped (`continuous`).
    public var isContinuous: Bool { settings.continuous }

    public var location: String { "sse:\(HTTPURL.shown(url))" }

    /// Starts reading; the first connection is made by the reader's connection task, so a
    /// server that is down fails the first ``BatchReader/next()`` (after the retries).
    public func open() async throws -> any BatchReader {
        let connector = SSEConnector(
            url: url, headers: headers, events: events, idField: idField, eventField: eventField, lastEventId: lastEventId,
            maxEventBytes: settings.maxMessageBytes, connectTimeout: settings.connectTimeout)
        return StreamSourceReader(connector: connector, settings: settings, location: location, logger: context.logger)
    }
}
