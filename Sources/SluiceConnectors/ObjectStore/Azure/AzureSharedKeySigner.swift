// Written for Sluice: the package mirror has no Azure SDK, so Blob Storage requests are signed
// here with swift-crypto (SharedKey, as "Authorize with Shared Key" in the Azure Storage REST
// documentation describes it) and sent over AsyncHTTPClient. Tested against the
// azure-storage-blob SDK's own signer (SharedKeyCredentialPolicy).
import Crypto
import Foundation
import SluiceCore

/// Signs Azure Blob Storage requests with SharedKey: an HMAC-SHA256, keyed with the
/// base64-decoded account key, of a string built from the verb, eleven standard headers, the
/// `x-ms-` headers and the resource (`/account/path` and the query), sent as
/// `Authorization: SharedKey account:signature`.
struct AzureSharedKeySigner: Sendable {
    /// A storage account and its key. Its description names the account only, so
    /// interpolating it into a log or an error never shows the key.
    struct Credentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// The storage account name.
        var account: String
        /// The decoded account key (the portal shows it base64-encoded).
        fileprivate var key: [UInt8]

        /// The credentials of `account` with `base64Key` as the portal shows it; nil when the
        /// key is not base64 or is empty.
        init?(account: String, base64Key: String) {
            let trimmed = base64Key.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let data = Data(base64Encoded: trimmed), !data.isEmpty else { return nil }
            self.account = account
            self.key = Array(data)
        }

        var description: String { "storage account \(account) (account key redacted)" }
        var debugDescription: String { description }
    }

    /// One request to sign. `path` is the path as sent (already percent-encoded, see
    /// ``encodedPath(_:)``); `query` holds raw names and values (decoded); `headers` are the
    /// headers sent besides `Content-Length`, whose value is `contentLength` (the body's size).
    struct Request: Sendable {
        var method: String
        var path: String
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var contentLength = 0
    }

    let credentials: Credentials

    /// The standard headers whose values (or empty lines) come after the verb, in this order.
    /// `Range` is the plain HTTP header: Sluice sends ranges as `x-ms-range`, so its slot is
    /// empty, as the SDK (which always leaves it empty) signs it too.
    static let standardHeaders = [
        "content-encoding", "content-language", "content-length", "content-md5", "content-type", "date", "if-modified-since", "if-match",
        "if-none-match", "if-unmodified-since", "range",
    ]

    /// The `Authorization` header value for `request`: `SharedKey account:base64(HMAC)`.
    func authorization(for request: Request) -> String {
        let key = SymmetricKey(data: credentials.key)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign(request).utf8), using: key)
        return "SharedKey \(credentials.account):\(Data(mac).base64EncodedString())"
    }

    /// The string to sign (exposed for tests):
    ///
    ///     VERB\n
    ///     one line per standard header (its value, or empty; Content-Length empty when 0)\n
    ///     x-ms-name:value\n                 (each x-ms- header, names lower-cased, sorted)
    ///     /account/path                      (the path as sent)
    ///     \nname:value                       (each query parameter, name lower-cased, sorted)
    func stringToSign(_ request: Request) -> String {
        var values: [String: String] = [:]
        for header in request.headers {
            let name = header.name.lowercased()
            let value = header.value.trimmingCharacters(in: .whitespaces)
            values[name] = values[name].map { $0 + "," + value } ?? value
        }
        values["content-length"] = request.contentLength > 0 ? String(request.contentLength) : nil
        var out = request.method.uppercased() + "\n"
        for name in Self.standardHeaders { out += (values[name] ?? "") + "\n" }
        let msHeaders = values.filter { $0.key.hasPrefix("x-ms-") }.sorted { Self.headerPrecedes($0.key, $1.key) }
        for (name, value) in msHeaders { out += name + ":" + value + "\n" }
        out += "/" + credentials.account + request.path
        let query = request.query.map { (name: $0.name.lowercased(), value: $0.value) }
            .sorted { a, b in a.name != b.name ? Self.bytesPrecede(a.name, b.name) : Self.bytesPrecede(a.value, b.value) }
        for parameter in query { out += "\n" + parameter.name + ":" + parameter.value }
        return out
    }

    /// The order the service sorts `x-ms-` header names in (which the SDK copies): first by
    /// the name with its dashes left out, then, between names that differ only in dashes, the
    /// one without a dash where they first differ comes first. Exact for names of lower-case
    /// letters, digits and `-`, which are all Sluice sends; other bytes compare as bytes.
    static func headerPrecedes(_ a: String, _ b: String) -> Bool {
        let dash = UInt8(ascii: "-")
        let strippedA = a.utf8.filter { $0 != dash }
        let strippedB = b.utf8.filter { $0 != dash }
        if strippedA != strippedB { return strippedA.lexicographicallyPrecedes(strippedB) }
        // A dash sorts after every other byte here.
        return a.utf8.map { $0 == dash ? 0xFF : $0 }.lexicographicallyPrecedes(b.utf8.map { $0 == dash ? 0xFF : $0 })
    }

    private static func bytesPrecede(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// A blob name as a request path segment: `/` kept, every byte but the unreserved ones
    /// (`A-Z a-z 0-9 - . _ ~`) percent-encoded in uppercase hex (a space is `%20`, `+` is
    /// `%2B`, `ü` is `%C3%BC`).
    static func encodedPath(_ name: String) -> String { encoded(name, keepingSlash: true) }

    /// `name=value` pairs joined by `&`, each side percent-encoded like ``encodedPath(_:)``
    /// but with `/` encoded too.
    static func encodedQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { encoded($0.name, keepingSlash: false) + "=" + encoded($0.value, keepingSlash: false) }.joined(separator: "&")
    }

    private static func encoded(_ text: String, keepingSlash: Bool) -> String {
        PercentEncoding.encoded(text, keepingSlash: keepingSlash)
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`: the request time as `x-ms-date` carries it (RFC 1123,
    /// UTC, to the second).
    static func httpDate(_ time: Timestamp) -> String {
        let c = time.civil
        let seconds = time.microseconds >= 0 ? time.microseconds / 1_000_000 : (time.microseconds + 1) / 1_000_000 - 1
        let days = seconds >= 0 ? seconds / 86_400 : (seconds + 1) / 86_400 - 1
        // 1970-01-01 was a Thursday.
        let weekday = Int(((days % 7) + 7 + 4) % 7)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func padded(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(weekdays[weekday]), \(padded(c.day, 2)) \(months[c.month - 1]) \(padded(c.year, 4)) "
            + "\(padded(c.hour, 2)):\(padded(c.minute, 2)):\(padded(c.second, 2)) GMT"
    }
}
