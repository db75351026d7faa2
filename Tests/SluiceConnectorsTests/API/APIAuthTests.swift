import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// Signing in to the stand-in API: OAuth2 client credentials (one token for the whole read,
/// a new one after a 401, and before expiry), basic, and API keys in a header or the query.
@Suite struct APIAuthTests {
    static let oauth: Value = ["type": "oauth2", "clientId": "sluice", "clientSecret": "s3cret/+=", "scope": "read:items"]

    func oauth(_ server: LoopbackServer, expiresIn: Int = 3600, clientAuth: String = "basic") -> Value {
        guard case .object(var auth) = Self.oauth else { return .null }
        auth["tokenUrl"] = .string("\(server.base)/oauth/token?expires_in=\(expiresIn)")
        auth["clientAuth"] = .string(clientAuth)
        return .object(auth)
    }

    @Test func oneTokenServesEveryPage() async throws {
        let server = try await LoopbackServer.api()
        for clientAuth in ["basic", "body"] {
            try await server.reset()
            let read = try await APITest.read([
                "url": .string("\(server.base)/secure?n=95"), "recordsPath": "data", "pagination": ["type": "page", "prefetch": 0, "pageSize": 10],
                "auth": oauth(server, clientAuth: clientAuth),
            ])
            #expect(read.ids == Array(1...95), "\(clientAuth)")
            let log = try await server.requests().log
            #expect(log.map(\.path) == ["/oauth/token"] + Array(repeating: "/secure", count: 10), "\(clientAuth)")
            #expect(Set(log.dropFirst().map(\.authorization)) == ["Bearer tok-1"], "\(clientAuth)")
            #expect(log.first?.body?.contains("grant_type=client_credentials&scope=read%3Aitems") == true, "\(clientAuth)")
        }
    }

    @Test func aRevokedTokenIsRefreshedOnceAndTheRequestRetried() async throws {
        let server = try await LoopbackServer.api()
        // The server takes each token back after three uses: the fourth request gets a 401.
        let read = try await APITest.read([
            "url": .string("\(server.base)/secure?n=95&revoke_after=3"), "recordsPath": "data", "pagination": ["type": "page", "prefetch": 0, "pageSize": 10],
            "auth": oauth(server),
        ])
        #expect(read.ids == Array(1...95))
        // Pages 4, 7 and 10 are each refused once, and sent again with a new token.
        let shown = try await server.requests().log.map { $0.path == "/oauth/token" ? "token" : "\($0.query["page"] ?? "1") \($0.authorization ?? "")" }
        #expect(
            shown == [
                "token", "1 Bearer tok-1", "2 Bearer tok-1", "3 Bearer tok-1", "4 Bearer tok-1",
                "token", "4 Bearer tok-2", "5 Bearer tok-2", "6 Bearer tok-2", "7 Bearer tok-2",
                "token", "7 Bearer tok-3", "8 Bearer tok-3", "9 Bearer tok-3", "10 Bearer tok-3",
                "token", "10 Bearer tok-4",
            ])
    }

    @Test func aTokenIsRefreshedBeforeItExpires() async throws {
        let server = try await LoopbackServer.api()
        let clock = ManualClock()
        let resources = try APITest.resources(clock: clock)
        // A 100-second token is renewed 10 seconds before it runs out.
        let config: Value = [
            "url": .string("\(server.base)/secure?n=5"), "recordsPath": "data", "auth": oauth(server, expiresIn: 100),
        ]
        _ = try await APITest.read(config, resources: resources)
        let source = try APITest.source(config, resources: resources)
        _ = try await APITest.read(source)
        clock.advance(89)
        _ = try await APITest.read(source)
        clock.advance(2)
        _ = try await APITest.read(source)
        let log = try await server.requests().log
        #expect(log.map { $0.path == "/oauth/token" ? "token" : $0.authorization ?? "" } == [
            "token", "Bearer tok-1", "token", "Bearer tok-2", "Bearer tok-2", "token", "Bearer tok-3",
        ])
    }

    @Test func basicAndAPIKeys() async throws {
        let server = try await LoopbackServer.api()
        let basic = try await APITest.read(["url": .string("\(server.base)/basic"), "auth": ["type": "basic", "username": "ada", "password": "l0velace"]])
        #expect(basic.ids == [1, 2])
        let header = try await APITest.read(["url": .string("\(server.base)/keyed"), "auth": ["type": "apiKey", "name": "X-API-Key", "apiKey": "k-123"]])
        #expect(header.ids == [1, 2, 3])
        let query = try await APITest.read([
            "url": .string("\(server.base)/keyed?x=1"), "auth": ["type": "apiKey", "name": "api_key", "apiKey": "k-123", "in": "query"],
        ])
        #expect(query.ids == [1, 2, 3])
        let wrong = await APITest.failure {
            _ = try await APITest.read(["url": .string("\(server.base)/keyed?key=1"), "auth": ["type": "apiKey", "name": "X-API-Key", "apiKey": "nope"]])
        }
        #expect(wrong == #"api:\#(server.base)/keyed answered HTTP 403 Forbidden: {"error": "forbidden: bad API key"}"#)
        let log = try await server.requests().log
        #expect(log.map(\.queryText) == ["", "", "api_key=k-123&x=1", "key=1"])
    }

    @Test func badAuthBlocksNameTheirKey() throws {
        func failure(_ auth: Value) -> String? {
            do {
                _ = try APITest.source(["url": "http://127.0.0.1:1/x", "auth": auth])
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(failure(["type": "bearer"]) == "auth.token: required for bearer authentication")
        #expect(failure(["type": "oauth2", "tokenUrl": "ftp://x", "clientId": "a", "clientSecret": "b"]) == "auth.tokenUrl: expected an http:// or https:// URL, got 'ftp://x'")
        #expect(failure(["type": "apiKey", "name": "k"]) == "auth.apiKey: required for apiKey authentication")
    }
}
