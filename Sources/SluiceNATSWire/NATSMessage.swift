/// A message the server delivered (`MSG` or `HMSG`).
public struct NATSMessage: Sendable, Equatable {
    public var subject: String
    /// The subscription it was delivered to.
    public var sid: String
    /// Where an answer goes (a JetStream message's acknowledgement subject).
    public var replyTo: String?
    /// The header block of an `HMSG`.
    public var headers: NATSHeaders?
    public var payload: [UInt8]

    public init(subject: String, sid: String, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: [UInt8]) {
        self.subject = subject
        self.sid = sid
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }

    /// The status of a message that is the server's word about a request rather than a message
    /// (`404 No Messages`, `408 Request Timeout`, `503` no responders).
    public var status: Int? { headers?.status }
}
