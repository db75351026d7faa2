import SluiceCore

/// A store's base URL, checked before any request goes to it: `http` or `https`, a host, and
/// neither a link-local nor a cloud metadata address (where a request could read the
/// server's own cloud credentials) unless the storage settings allow it; and, when the
/// settings list `allowedHosts`, one of those.
struct ObjectEndpoint: Sendable, Equatable {
    /// `http` or `https`.
    var scheme: String
    /// The host name or address (an IPv6 address without brackets).
    var host: String
    /// The port, when the URL names one.
    var port: Int?
    /// A path the store's paths go below (usually empty), without a trailing `/`.
    var basePath: String

    /// The `Host` header value: the host, bracketed when IPv6, with the port when named.
    var hostHeader: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return port.map { "\(shown):\($0)" } ?? shown
    }

    /// The URL up to (not including) the path.
    var origin: String { "\(scheme)://\(hostHeader)" }

    /// Parses and checks `url` against `config`; `key` names the setting in messages.
    init(_ url: String, config: ObjectStorageConfig, key: String = "storage.endpoint") throws(SpecError) {
        guard let schemeEnd = url.range(of: "://") else {
            throw SpecError(path: key, "'\(url)' is not a URL (expected http://host[:port] or https://host[:port])")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw SpecError(path: key, "'\(url)': the scheme must be http or https") }
        var rest = Substring(url[schemeEnd.upperBound...])
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        guard !rest.contains("@") else { throw SpecError(path: key, "the endpoint must not hold credentials; use the storage keys") }
        guard !path.contains("?"), !path.contains("#") else { throw SpecError(path: key, "the endpoint must not hold a query or fragment") }
        var host: String
        var port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw SpecError(path: key, "'\(url)': unterminated IPv6 address") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) ?? -1 } else if !after.isEmpty { port = -1 }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = Int(rest[rest.index(after: colon)...]) ?? -1
        } else {
            host = String(rest)
        }
        guard !host.isEmpty else { throw SpecError(path: key, "'\(url)' names no host") }
        if let port, !(1...65_535).contains(port) { throw SpecError(path: key, "'\(url)': the port must be 1 to 65535") }
        host = host.lowercased()
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = path.hasSuffix("/") ? String(path.dropLast()) : path
        if let allowed = config.allowedHosts, !allowed.contains(where: { $0.lowercased() == host }) {
            throw SpecError(path: key, "the host '\(host)' is not in storage.allowedHosts (\(allowed.joined(separator: ", ")))")
        }
        if config.allowMetadataEndpoints != true, Self.isMetadataAddress(host) {
            throw SpecError(
                path: key,
                "the host '\(host)' is a link-local or cloud metadata address, refused so that a job cannot read the server's cloud credentials; "
                    + "set storage.allowMetadataEndpoints to allow it")
        }
    }

    /// Whether `host` is in 169.254.0.0/16, is `fe80::/10`, `fd00:ec2::254`, or a metadata host name.
    static func isMetadataAddress(_ host: String) -> Bool {
        var host = Substring(host.lowercased())
        while let first = host.first, first == "[" || first == "]" || first == "." { host = host.dropFirst() }
        while let last = host.last, last == "[" || last == "]" || last == "." { host = host.dropLast() }
        if ["metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"].contains(String(host)) { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }), octets[0] == "169", octets[1] == "254" { return true }
        if host.contains(":") {
            guard let words = ipv6Words(String(host)) else { return false }
            if words[0] & 0xFFC0 == 0xFE80 { return true }
            if words == [0xFD00, 0x0EC2, 0, 0, 0, 0, 0, 0x0254] { return true }
            // IPv4-mapped 169.254.x.x (::ffff:a9fe:…)
            if words[0..<5].allSatisfy({ $0 == 0 }), words[5] == 0xFFFF, words[6] == 0xA9FE { return true }
        }
        return false
    }

    /// The eight 16-bit words of an IPv6 address in text (with `::`), or nil when it is not one.
    private static func ipv6Words(_ text: String) -> [UInt16]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func words(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for piece in part.split(separator: ":", omittingEmptySubsequences: false) {
                if piece.contains(".") {
                    let bytes = piece.split(separator: ".").compactMap { UInt8($0) }
                    guard bytes.count == 4 else { return nil }
                    out.append(UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
                    out.append(UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
                } else {
                    guard (1...4).contains(piece.count), let word = UInt16(piece, radix: 16) else { return nil }
                    out.append(word)
                }
            }
            return out
        }
        guard let head = words(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = words(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}
