import SluiceCore

/// How an HTTP connector signs in: the `auth` block of its config. Secrets are written as
/// `${env:NAME}` references, resolved when the job is planned and hidden in every message.
public enum HTTPAuth: Sendable, Equatable {
    /// `Authorization: Bearer <token>`.
    case bearer(token: String)
    /// `Authorization: Basic base64(username:password)`.
    case basic(username: String, password: String)
    /// An API key in a header or a query parameter.
    case apiKey(name: String, key: String, inQuery: Bool)
    /// OAuth2 client credentials: a token from `tokenURL`, cached and refreshed before it expires.
    case oauth2(OAuth2ClientCredentials)

    /// The `auth` block as written.
    public struct Config: Decodable, Sendable, Equatable {
        public var type: String
        public var token: String?
        public var username: String?
        public var password: String?
        public var name: String?
        public var apiKey: String?
        public var `in`: String?
        public var tokenUrl: String?
        public var clientId: String?
        public var clientSecret: String?
        public var scope: String?
        public var audience: String?
        public var clientAuth: String?
    }

    /// The sign-in a block asks for; errors name the key (relative to `auth`).
    public init(config: Config) throws(SpecError) {
        func required(_ value: String?, _ key: String) throws(SpecError) -> String {
            guard let value, !value.isEmpty else { throw SpecError(path: "auth." + key, "required for \(config.type) authentication") }
            return value
        }
        switch config.type {
        case "bearer":
            self = .bearer(token: try required(config.token, "token"))
        case "basic":
            self = .basic(username: try required(config.username, "username"), password: config.password ?? "")
        case "apiKey":
            let place = config.in ?? "header"
            self = .apiKey(name: try required(config.name, "name"), key: try required(config.apiKey, "apiKey"), inQuery: place == "query")
        case "oauth2":
            let tokenURL = try required(config.tokenUrl, "tokenUrl")
            let lower = tokenURL.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                throw SpecError(path: "auth.tokenUrl", "expected an http:// or https:// URL, got '\(Secrets.redactURL(tokenURL))'")
            }
            self = .oauth2(OAuth2ClientCredentials(
                tokenURL: tokenURL, clientID: try required(config.clientId, "clientId"),
                clientSecret: try required(config.clientSecret, "clientSecret"), scope: config.scope, audience: config.audience,
                secretInBody: config.clientAuth == "body"))
        default:
            throw SpecError(path: "auth.type", "unknown value '\(config.type)'; expected one of bearer, basic, apiKey, oauth2")
        }
    }

    /// The declaration of the `auth` key, shared by every HTTP connector.
    public static let field = FieldShape.optional(
        "auth",
        .object([
            .required("type", .choice(["bearer", "basic", "apiKey", "oauth2"]), "How to sign in."),
            .optional("token", .nonEmptyText, "bearer: the token (`${env:NAME}`)."),
            .optional("username", .nonEmptyText, "basic: the user name."),
            .optional("password", .text, "basic: the password (`${env:NAME}`)."),
            .optional("name", .nonEmptyText, "apiKey: the header or query parameter that carries the key (`X-API-Key`)."),
            .optional("apiKey", .nonEmptyText, "apiKey: the key (`${env:NAME}`)."),
            .optional("in", .choice(["header", "query"]), default: "header", "apiKey: where the key goes."),
            .optional("tokenUrl", .text(format: "url"), "oauth2: the token endpoint of the client-credentials grant."),
            .optional("clientId", .nonEmptyText, "oauth2: the client id."),
            .optional("clientSecret", .nonEmptyText, "oauth2: the client secret (`${env:NAME}`)."),
            .optional("scope", .nonEmptyText, "oauth2: the scopes asked for, space-separated."),
            .optional("audience", .nonEmptyText, "oauth2: the `audience` parameter some providers require."),
            .optional("clientAuth", .choice(["basic", "body"]), default: "basic",
                "oauth2: how the client authenticates to the token endpoint: HTTP Basic, or `client_id`/`client_secret` in the form body."),
        ]),
        "Authentication: `bearer`, `basic`, `apiKey` (in a header or the query) or `oauth2` client credentials (the token "
            + "is fetched from `tokenUrl`, cached, refreshed before it expires, and after a 401 refreshed once and the request retried).")
}

/// The settings of the OAuth2 client-credentials grant (RFC 6749 §4.4).
public struct OAuth2ClientCredentials: Sendable, Equatable {
    public var tokenURL: String
    public var clientID: String
    public var clientSecret: String
    public var scope: String?
    public var audience: String?
    /// Sends the client's id and secret in the form body instead of HTTP Basic.
    public var secretInBody: Bool
}
