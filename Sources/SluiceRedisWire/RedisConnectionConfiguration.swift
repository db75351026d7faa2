/// Where and how to connect to a Redis server.
public struct RedisConnectionConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The ACL user (`AUTH user password`); nil authenticates as the default user.
    public var username: String?
    public var password: String?
    /// The database number `SELECT`ed after connecting.
    public var database: Int
    /// How long connecting and signing in may take.
    public var connectTimeout: Duration
    /// How long any command may wait for its answer (a blocking read adds its own block time).
    public var commandTimeout: Duration

    public init(
        host: String, port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0,
        connectTimeout: Duration = .seconds(10), commandTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }
}
