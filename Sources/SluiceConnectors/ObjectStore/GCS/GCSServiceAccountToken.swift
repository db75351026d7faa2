// Written for Sluice: the package mirror has no Google Cloud SDK, so Google Cloud Storage is
// spoken to over its JSON API with AsyncHTTPClient, and this file gets the OAuth2 access token
// a service-account key grants (the "JWT bearer" grant of RFC 7523, as Google's "Using OAuth
// 2.0 for server to server applications" describes it), signing the JWT with swift-crypto.
import Crypto
import Foundation
import NIOHTTP1
import SluiceCore
import _CryptoExtras

/// A Google service-account key: the JSON document the Cloud console downloads, reduced to what
/// getting a token needs. The private key is parsed once, when the key is read, and never
/// shown: the description names the account and the key id only.
struct GCSServiceAccountKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The service account's address (`name@project.iam.gserviceaccount.com`), the JWT's issuer.
    var clientEmail: String
    /// The id of the key (the JWT header's `kid`), when the document gives it.
    var privateKeyID: String?
    /// Where tokens are asked for (`https://oauth2.googleapis.com/token` by default).
    var tokenURI: String
    /// The RSA key that signs the JWT.
    let privateKey: _RSA.Signing.PrivateKey

    /// Google's token endpoint, for a key document that names none.
    static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    var description: String {
        "service account \(clientEmail)" + (privateKeyID.map { " (key \($0), private key redacted)" } ?? " (private key redacted)")
    }
    var debugDescription: String { description }

    /// The fields of a key document that are read; the rest are ignored.
    private struct Document: Decodable {
        var type: String?
        var clientEmail: String?
        var privateKey: String?
        var privateKeyID: String?
        var tokenURI: String?

        enum CodingKeys: String, CodingKey {
            case type
            case clientEmail = "client_email"
            case privateKey = "private_key"
            case privateKeyID = "private_key_id"
            case tokenURI = "token_uri"
        }
    }

    /// Parses the key document `json`. `source` says where it came from in messages
    /// (`storage.serviceAccountKey`, or the file a variable names); `path` is the setting the
    /// ``SpecError`` points at. Messages never quote the document.
    init(json: String, source: String, path: String) throws(SpecError) {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(json.utf8))
        } catch {
            throw SpecError(path: path, "\(source) is not a JSON service-account key (a document with client_email and private_key)")
        }
        if let type = document.type, type != "service_account" {
            throw SpecError(
                path: path,
                "\(source) is a '\(type)' credential; only service-account keys (\"type\": \"service_account\") are supported, "
                    + "or give storage.accessToken")
        }
        guard let email = document.clientEmail, !email.isEmpty else { throw SpecError(path: path, "\(source) has no client_email") }
        guard let pem = document.privateKey, !pem.isEmpty else { throw SpecError(path: path, "\(source) has no private_key") }
        do {
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw SpecError(path: path, "the private_key of \(source) is not a PEM RSA private key of 2048 bits or more")
        }
        clientEmail = email
        privateKeyID = document.privateKeyID.flatMap { $0.isEmpty ? nil : $0 }
        tokenURI = document.tokenURI.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultTokenURI
    }

    /// The JWT header.
    private struct Header: Encodable {
        var alg = "RS256"
        var typ = "JWT"
        var kid: String?
    }

    /// The JWT claims Google's token endpoint reads.
    private struct Claims: Encodable {
        var iss: String
        var scope: String
        var aud: String
        var iat: Int
        var exp: Int
    }

    /// The signed JWT (RS256: RSASSA-PKCS1-v1_5 over SHA-256) asking for `scope`, issued at
    /// `issuedAt` (seconds since 1970) and valid for an hour, the longest Google accepts.
    func assertion(scope: String, issuedAt: Int) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = try encoder.encode(Header(kid: privateKeyID))
        let claims = try encoder.encode(Claims(iss: clientEmail, scope: scope, aud: tokenURI, iat: issuedAt, exp: issuedAt + 3600))
        let signingInput = Self.base64URL(header) + "." + Self.base64URL(claims)
        let signature = try privateKey.signature(for: Array(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + Self.base64URL(signature.rawRepresentation)
    }

    /// Base64url without padding (RFC 7515's encoding of JWT parts).
    static func base64URL(_ bytes: some DataProtocol) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}

/// The access tokens of one service-account key: asked for at the key's token endpoint on
/// first use, kept, and asked for again once less than five minutes of a token's lifetime
/// remain. Concurrent callers share one request.
actor GCSAccessTokenSource {
    /// The OAuth2 scope asked for: read and write objects, nothing else.
    static let scope = "https://www.googleapis.com/auth/devstorage.read_write"
    /// How long before a token expires it is replaced.
    static let refreshMargin: Duration = .seconds(300)

    let key: GCSServiceAccountKey
    /// The token endpoint, checked like a storage endpoint (scheme, metadata addresses,
    /// `allowedHosts`).
    let tokenEndpoint: ObjectEndpoint
    let transport: ObjectTransport

    /// A token and when it must be replaced.
    private struct Cached: Sendable {
        var token: String
        var refreshAt: ContinuousClock.Instant
    }

    private var cached: Cached?
    private var pending: Task<Cached, any Error>?
    /// How many tokens were asked for (for tests).
    private(set) var fetches = 0

    /// A source for `key`; its `token_uri` must pass the checks of `config` (it is a request
    /// the server makes, like any storage request).
    init(key: GCSServiceAccountKey, config: ObjectStorageConfig) throws(SpecError) {
        self.key = key
        self.tokenEndpoint = try ObjectEndpoint(key.tokenURI, config: config, key: "storage.serviceAccountKey.token_uri")
        self.transport = config.transport
    }

    /// A valid access token, from the cache while more than ``refreshMargin`` of it remains.
    func token() async throws -> String {
        if let cached, ContinuousClock.now < cached.refreshAt { return cached.token }
        if let pending { return try await pending.value.token }
        let key = key
        let url = tokenEndpoint.origin + tokenEndpoint.basePath
        let host = tokenEndpoint.host
        let transport = transport
        let task = Task { try await Self.fetch(key: key, url: url, host: host, transport: transport) }
        pending = task
        fetches += 1
        defer { pending = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh.token
    }

    /// The token endpoint's answer.
    private struct TokenAnswer: Decodable {
        var accessToken: String?
        var expiresIn: Int?
        var tokenType: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
            case tokenType = "token_type"
        }
    }

    /// An OAuth2 error answer (`{"error": "invalid_grant", "error_description": "…"}`).
    private struct TokenError: Decodable {
        var error: String?
        var errorDescription: String?

        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
        }
    }

    /// Asks the token endpoint at `url` for a token with a freshly signed JWT.
    private static func fetch(key: GCSServiceAccountKey, url: String, host: String, transport: ObjectTransport) async throws -> Cached {
        let what = "getting an access token for \(key.clientEmail) from \(host)"
        let started = ContinuousClock.now
        let response = try await transport.send(what) {
            // Signed at each attempt: iat must be the time of the request.
            let issuedAt = Int(Date().timeIntervalSince1970.rounded(.down))
            let assertion: String
            do {
                assertion = try key.assertion(scope: GCSAccessTokenSource.scope, issuedAt: issuedAt)
            } catch {
                throw ConnectorError.remote("\(what): signing the token request failed")
            }
            let body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion
            return ObjectRequest(
                method: .POST, url: url, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                body: Array(body.utf8))
        }
        guard response.status == 200 else {
            var detail = String(response.bodyText.prefix(300))
            if let error = try? JSONDecoder().decode(TokenError.self, from: Data(response.body)), let code = error.error {
                detail = code + (error.errorDescription.map { ": \($0)" } ?? "")
            }
            throw ConnectorError.remote("\(what): HTTP \(response.status): \(detail)")
        }
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(response.body)), let token = answer.accessToken, !token.isEmpty
        else {
            throw ConnectorError.remote("\(what): the answer holds no access_token")
        }
        if let type = answer.tokenType, type.lowercased() != "bearer" {
            throw ConnectorError.remote("\(what): the token is of type '\(type)', not Bearer")
        }
        // Google's tokens last an hour; a missing lifetime is taken as that.
        let lifetime = answer.expiresIn ?? 3600
        guard lifetime > 0, lifetime <= 86_400 else {
            throw ConnectorError.remote("\(what): the token's lifetime \(lifetime) s is not between 1 s and a day")
        }
        return Cached(token: token, refreshAt: started + .seconds(lifetime) - refreshMargin)
    }
}
