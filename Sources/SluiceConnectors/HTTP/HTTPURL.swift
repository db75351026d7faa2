import Foundation
import SluiceCore

/// The URL handling HTTP connectors share: query parameters, form encoding, relative links,
/// and how a URL is shown in messages (without its query, which may carry credentials).
public enum HTTPURL {
    /// `url` with each of `parameters` set in its query (replacing a parameter of the same
    /// name, keeping the others in order).
    public static func setting(_ parameters: [(String, String)], in url: String) -> String {
        let (base, fragment) = split(url, at: "#")
        let (path, query) = split(base, at: "?")
        var pairs: [(String, String?)] = (query ?? "").split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : nil)
        }
        for (name, value) in parameters {
            let encodedName = formEncode(name)
            let encodedValue = formEncode(value)
            let matches = { (pair: (String, String?)) in (percentDecoded(pair.0) ?? pair.0) == name }
            if let index = pairs.firstIndex(where: matches) {
                pairs[index] = (encodedName, encodedValue)
                // Any later repeat of the parameter goes: the value set is the only one.
                pairs = pairs.enumerated().filter { $0.offset <= index || !matches($0.element) }.map(\.element)
            } else {
                pairs.append((encodedName, encodedValue))
            }
        }
        let newQuery = pairs.map { pair in pair.1.map { "\(pair.0)=\($0)" } ?? pair.0 }.joined(separator: "&")
        return path + (newQuery.isEmpty ? "" : "?" + newQuery) + (fragment.map { "#" + $0 } ?? "")
    }

    /// Checks that a connector's `url` is an http(s) URL with a host part.
    public static func checked(_ url: String, key: String = "url") throws(SpecError) {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), url.count > 8 else {
            throw SpecError(path: key, "expected an http:// or https:// URL, got '\(Secrets.redactURL(url))'")
        }
    }

    /// `text` encoded for a query or form value (RFC 3986 unreserved characters kept).
    public static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
    }

    /// `url` for messages and lineage: without its query and fragment, and with any password
    /// of its user-info hidden.
    public static func shown(_ url: String) -> String {
        let base = split(split(url, at: "#").0, at: "?").0
        return Secrets.redactURL(base)
    }

    /// A link (`Link` header or a next URL in a body) resolved against the page it came from;
    /// nil when it is not an http(s) URL.
    public static func resolve(_ link: String, against page: String) -> String? {
        guard let base = URL(string: page), let resolved = URL(string: link, relativeTo: base)?.absoluteURL,
            let scheme = resolved.scheme?.lowercased(), scheme == "http" || scheme == "https", resolved.host != nil
        else { return nil }
        return resolved.absoluteString
    }

    /// `scheme://host:port` of a URL, lowercased, with the default port made explicit.
    public static func origin(_ url: String) -> String? {
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host?.lowercased()
        else { return nil }
        let port = parsed.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }

    private static func split(_ text: String, at separator: Character) -> (String, String?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (String(text[..<index]), String(text[text.index(after: index)...]))
    }

    private static func percentDecoded(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
