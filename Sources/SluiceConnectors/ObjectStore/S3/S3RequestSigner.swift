// Written for Sluice: the package mirror has no AWS SDK (Soto is not there), so S3 requests
// are signed here with swift-crypto, following AWS's description of Signature Version 4
// ("Create a signed AWS API request" in the IAM user guide). Tested against botocore's signer.
import Crypto
import Foundation
import SluiceCore

/// Signs S3 requests with AWS Signature Version 4 (HMAC-SHA256, credentials in the
/// `Authorization` header).
///
/// S3's variant: the path is signed as it is sent (each key byte URI-encoded once, `/` kept,
/// no normalization), and the payload's SHA-256 (or `UNSIGNED-PAYLOAD`) travels in
/// `x-amz-content-sha256` and is signed.
struct S3RequestSigner: Sendable {
    /// An access key, its secret and, for temporary credentials, the session token. Its
    /// description names the key only, so interpolating it into a log or an error never
    /// shows a secret.
    struct Credentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        var accessKeyID: String
        var secretAccessKey: String
        var sessionToken: String?

        var description: String { "access key \(accessKeyID) (secret and session token redacted)" }
        var debugDescription: String { description }
    }

    /// The payload hash of a request whose body is not signed.
    static let unsignedPayload = "UNSIGNED-PAYLOAD"

    let credentials: Credentials
    let region: String
    var service = "s3"

    /// One request to sign. `path` is already encoded (``encodedPath(_:)``); `query` holds
    /// raw names and values, encoded here; `headers` are the headers to send and sign
    /// (besides `host` and the ones the signer adds).
    struct Request {
        var method: String
        var host: String
        var path: String
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var payloadHash: String
    }

    /// The headers to add to `request` for it to be signed at `time`: `x-amz-date`,
    /// `x-amz-content-sha256`, `x-amz-security-token` with temporary credentials, and
    /// `authorization`.
    func authorizationHeaders(for request: Request, at time: Timestamp) -> [(name: String, value: String)] {
        let stamp = Self.timestamp(time)
        var added: [(name: String, value: String)] = [("x-amz-date", stamp), ("x-amz-content-sha256", request.payloadHash)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        let signed = canonicalHeaders(request, adding: added)
        let canonical = canonicalRequest(request, headers: signed)
        let scope = "\(stamp.prefix(8))/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(stamp)\n\(scope)\n\(Self.hex(SHA256.hash(data: Array(canonical.utf8))))"
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(day: String(stamp.prefix(8)))))
        let names = signed.map(\.name).joined(separator: ";")
        added.append(("authorization", "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(names), Signature=\(signature)"))
        return added
    }

    /// The canonical request of `request` with the signer's headers `added`, as AWS defines
    /// it (exposed for tests).
    func canonicalRequest(_ request: Request, adding added: [(name: String, value: String)]) -> String {
        canonicalRequest(request, headers: canonicalHeaders(request, adding: added))
    }

    private func canonicalRequest(_ request: Request, headers: [(name: String, value: String)]) -> String {
        // Sorted by encoded name, then value (all ASCII once encoded, so by bytes).
        let pairs: [(String, String)] = request.query.map { pair in
            (Self.encoded(pair.name, keepingSlash: false), Self.encoded(pair.value, keepingSlash: false))
        }
        let sorted = pairs.sorted { a, b in a.0 != b.0 ? a.0 < b.0 : a.1 < b.1 }
        let query = sorted.map { pair in pair.0 + "=" + pair.1 }.joined(separator: "&")
        let headerLines = headers.map { "\($0.name):\($0.value)\n" }.joined()
        let names = headers.map(\.name).joined(separator: ";")
        return "\(request.method.uppercased())\n\(request.path)\n\(query)\n\(headerLines)\n\(names)\n\(request.payloadHash)"
    }

    /// The signed headers: `host`, the request's headers and `added`, with lowercase names,
    /// values trimmed and inner runs of spaces collapsed, repeated names joined by commas,
    /// sorted by name.
    private func canonicalHeaders(_ request: Request, adding added: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var values: [String: [String]] = [:]
        for (name, value) in [("host", request.host)] + request.headers + added {
            values[name.lowercased(), default: []].append(value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " "))
        }
        return values.keys.sorted().map { ($0, values[$0, default: []].joined(separator: ",")) }
    }

    /// HMAC chain from the secret through the day, region and service.
    private func signingKey(day: String) -> SymmetricKey {
        func sign(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key)))
        }
        let start = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        return sign(sign(sign(sign(start, day), region), service), "aws4_request")
    }

    /// An object key as a request path: `/` kept, every other byte but the unreserved ones
    /// (`A-Z a-z 0-9 - . _ ~`) percent-encoded in uppercase hex.
    static func encodedPath(_ key: String) -> String { encoded(key, keepingSlash: true) }

    /// The hex SHA-256 of `body`, for ``Request/payloadHash``.
    static func payloadHash(_ body: [UInt8]) -> String { hex(SHA256.hash(data: body)) }

    /// `text` URI-encoded byte by byte as Signature Version 4 requires, `/` kept when `keepingSlash`.
    static func encoded(_ text: String, keepingSlash: Bool) -> String {
        PercentEncoding.encoded(text, keepingSlash: keepingSlash)
    }

    /// `20150830T123600Z`: the request time in UTC, to the second.
    static func timestamp(_ time: Timestamp) -> String {
        let c = time.civil
        func padded(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(c.year, 4) + padded(c.month, 2) + padded(c.day, 2) + "T" + padded(c.hour, 2) + padded(c.minute, 2)
            + padded(c.second, 2) + "Z"
    }

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
