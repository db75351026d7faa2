/// What the server says about itself in `INFO` (only the fields this client uses).
public struct NATSServerInfo: Sendable, Equatable, Decodable {
    public var serverID: String?
    public var version: String?
    /// The largest message (headers and payload) the server takes.
    public var maxPayload: Int?
    /// Whether the server takes and delivers header blocks (`HPUB`, `HMSG`).
    public var headers: Bool?
    public var authRequired: Bool?
    public var tlsRequired: Bool?
    public var jetStream: Bool?

    enum CodingKeys: String, CodingKey {
        case serverID = "server_id"
        case version
        case maxPayload = "max_payload"
        case headers
        case authRequired = "auth_required"
        case tlsRequired = "tls_required"
        case jetStream = "jetstream"
    }

    public init(maxPayload: Int? = nil, headers: Bool? = true) {
        self.maxPayload = maxPayload
        self.headers = headers
    }
}
