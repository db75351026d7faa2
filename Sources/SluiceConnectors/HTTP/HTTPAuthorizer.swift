import Foundation
import SluiceCore

/// Signs a connector's requests: fixed credentials as they are, and for OAuth2 client
/// credentials a token fetched from the token endpoint, kept until shortly before it expires
/// and shared by the connector's concurrent requests (one fetch at a time).
actor HTTPAuthorizer {
    private struct Token {
        var value: String
        /// When to fetch a new one (seconds since the epoch); nil for a token without expiry.
        var refreshAt: Double?
    }

    let auth: HTTPAuth
    private let tokenClient: HTTPEndpointClient?
    private let clock: EndpointClock
    private var token: Token?
    private var pending: Task<Token, any Error>?

    init(_ auth: HTTPAuth, policy: HTTPRequestPolicy, guards: EndpointGuards) {
        self.auth = auth
        self.clock = guards.clock
        if case .oauth2 = auth {
            var tokenPolicy = policy
            tokenPolicy.rateLimit = nil
            tokenPolicy.maxResponseBytes = 1 << 20
            tokenClient = HTTPEndpointClient(policy: tokenPolicy, guards: guards)
        } else {
            tokenClient = nil
        }
    }

    /// Whether a 401 is worth a new token (OAuth2 only: fixed credentials stay wrong).
    nonisolated var refreshes: Bool {
        if case .oauth2 = auth { return true }
        return false
    }

    /// Adds the credentials to a request's URL or headers.
    func authorize(url: inout String, headers: inout [(name: String, value: String)]) async throws {
        switch auth {
        case .bearer(let token):
            headers.append(("Authorization", "Bearer \(token)"))
        case .basic(let username, let password):
            headers.append(("Authorization", "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()))
        case .apiKey(let name, let key, let inQuery):
            if inQuery {
                url = HTTPURL.setting([(name, key)], in: url)
            } else {
                headers.append((name, key))
            }
        case .oauth2(let grant):
            headers.append(("Authorization", "Bearer \(try await currentToken(grant).value)"))
        }
    }

    /// Forgets the cached token (after a 401), so the next request fetches a new one.
    func invalidate() {
        token = nil
    }

    private func currentToken(_ grant: OAuth2ClientCredentials) async throws -> Token {
        if let token, token.refreshAt.map({ clock.now() < $0 }) ?? true { return token }
        if let pending { return try await pending.value }
        let task = Task { try await self.fetchToken(grant) }
        pending = task
        defer { pending = nil }
        let fresh = try await task.value
        token = fresh
        return fresh
    }

    private func fetchToken(_ grant: OAuth2ClientCredentials) async throws -> Token {
        guard let tokenClient else { throw ConnectorError.remote("no token client") }
        var form = [("grant_type", "client_credentials")]
        if let scope = grant.scope { form.append(("scope", scope)) }
        if let audience = grant.audience { form.append(("audience", audience)) }
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"),
        ]
        if grant.secretInBody {
            form += [("client_id", grant.clientID), ("client_secret", grant.clientSecret)]
        } else {
            // RFC 6749 §2.3.1: each part form-encoded before the Basic encoding.
            let pair = HTTPURL.formEncode(grant.clientID) + ":" + HTTPURL.formEncode(grant.clientSecret)
            headers.append(("Authorization", "Basic " + Data(pair.utf8).base64EncodedString()))
        }
        let body = form.map { HTTPURL.formEncode($0.0) + "=" + HTTPURL.formEncode($0.1) }.joined(separator: "&")
        let what = "the token endpoint \(HTTPURL.shown(grant.tokenURL))"
        let started = clock.now()
        let answer = try await tokenClient.fetch(HTTPCall(method: .POST, url: grant.tokenURL, headers: headers, body: Array(body.utf8)), what: what)
        guard case .object(let object)? = try? JSONParser.parse(answer.body), case .string(let value)? = object["access_token"], !value.isEmpty
        else {
            throw ConnectorError.remote("\(what) answered without an access_token")
        }
        var refreshAt: Double?
        if let lifetime = object["expires_in"].flatMap(Self.seconds), lifetime > 0 {
            // Refreshed a tenth of its life (at most a minute) before it expires.
            refreshAt = started + lifetime - min(60, lifetime / 10)
        }
        return Token(value: value, refreshAt: refreshAt)
    }

    /// `expires_in` as seconds: a number, or a numeric string (some providers send one).
    private static func seconds(_ value: Value) -> Double? {
        switch value {
        case .int(let seconds): return Double(seconds)
        case .double(let seconds): return seconds.isFinite ? seconds : nil
        case .string(let text): return Double(text).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }
}
