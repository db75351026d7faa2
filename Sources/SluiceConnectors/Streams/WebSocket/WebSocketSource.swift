import HTTPTypes
import SluiceCore

/// Reads records from a WebSocket (`ws://` or `wss://`): each message is JSON, an object being
/// one record and an array one record per element; a message that is not goes to the
/// dead-letter queue with its sequence number.
///
/// An optional `subscribe` message is sent after each connection is made. The connection is
/// reopened when it drops, with the backoff of `retry`. The read ends after `maxRecords`
/// records or `maxDurationMs`.
public struct WebSocketSource: Source {
    public static let type = "websocket"

    /// `source.config` of a WebSocket source.
    public struct Config: Decodable, Sendable {
        /// A `ws` or `wss` URL.
        public var url: String
        /// Headers of the opening handshake; secrets may be written as `${env:NAME}`.
        public var headers: [String: String]?
        /// A message sent after each connection is made: a string is sent as it is, any other
        /// JSON value as its compact JSON text.
        public var subscribe: Value?
        /// Records after which the read ends.
        public var maxRecords: Int?
        /// Milliseconds after which the read ends.
        public var maxDurationMs: Int?
        /// Whether the read goes on until the job is stopped.
        public var continuous: Bool?
        /// Milliseconds a connection attempt may take.
        public var connectTimeoutMs: Int?
        /// Milliseconds without a message before the connection counts as dropped.
        public var idleTimeoutMs: Int?
        /// The largest message, in bytes.
        public var maxMessageBytes: Int?
        /// Reconnecting.
        public var retry: NetworkRetryPolicy.Config?
    }

    let url: String
    let headers: HTTPFields
    let subscribe: String?
    let settings: StreamSettings
    let context: ComponentContext

    public init(config: Config, context: ComponentContext) throws {
        let lower = config.url.lowercased()
        guard lower.hasPrefix("ws://") || lower.hasPrefix("wss://"), config.url.count > 6 else {
            throw SpecError(path: "url", "expected a ws:// or wss:// URL, got '\(Secrets.redactURL(config.url))'")
        }
        var headers = HTTPFields()
        for (name, value) in (config.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let field = HTTPField.Name(name) else { throw SpecError(path: "headers", "'\(name)' is not a valid header name") }
            guard HTTPField.isValidValue(value) else { throw SpecError(path: "headers.\(name)", "the value holds characters a header cannot") }
            headers[field] = value
        }
        switch config.subscribe {
        case nil, .null?: subscribe = nil
        case .string(let text)?: subscribe = text
        case let value?: subscribe = JSONText.string(value)
        }
        url = config.url
        self.headers = headers
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

    public var location: String { "websocket:\(HTTPURL.shown(url))" }

    /// Starts reading; the first connection is made by the reader's connection task, so a
    /// server that is down fails the first ``BatchReader/next()`` (after the retries).
    public func open() async throws -> any BatchReader {
        let connector = WebSocketConnector(
            url: url, headers: headers, subscribe: subscribe, maxMessageBytes: settings.maxMessageBytes, logger: context.logger)
        return StreamSourceReader(connector: connector, settings: settings, location: location, logger: context.logger)
    }
}
