/// Where and how to connect to a NATS server.
public struct NATSConnectionConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The user and password of `CONNECT` (`user`, `pass`); nil signs in without them.
    public var user: String?
    public var password: String?
    /// The token of `CONNECT` (`auth_token`), for a server started with `--auth`.
    public var token: String?
    /// The client's name, as the server's monitoring shows it.
    public var name: String
    /// How long connecting and signing in may take.
    public var connectTimeout: Duration
    /// How long a request may wait for its answer (a fetch adds its own wait).
    public var requestTimeout: Duration
    /// The largest payload taken from the server, whatever it announces (at most
    /// ``NATSDecoder/absoluteMaxPayloadBytes``).
    public var maxPayloadBytes: Int

    public init(
        host: String, port: Int = 4222, user: String? = nil, password: String? = nil, token: String? = nil, name: String = "sluice",
        connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(30),
        maxPayloadBytes: Int = NATSDecoder.absoluteMaxPayloadBytes
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.token = token
        self.name = name
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxPayloadBytes = maxPayloadBytes
    }
}
