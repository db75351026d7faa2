import SluiceCore

/// A `path` naming objects in a cloud store rather than local files: `s3://bucket/key`,
/// `gs://bucket/key`, `az://container/blob`, `abfss://container@account.dfs.core.windows.net/blob`
/// or `https://account.blob.core.windows.net/container/blob`. The key may be a single object,
/// a prefix ending in `/` (every object below it) or a glob.
struct ObjectLocation: Sendable, Equatable {
    /// Which store holds the objects.
    enum Provider: String, Sendable {
        case s3, gcs, azure
    }

    var provider: Provider
    /// The bucket (S3, GCS) or container (Azure).
    var bucket: String
    /// The key, prefix or pattern inside the bucket (no leading `/`).
    var key: String
    /// The Azure storage account the address names, when it names one.
    var account: String?

    /// Whether `path` names a cloud store (by its scheme).
    static func isObjectPath(_ path: String) -> Bool {
        let lower = path.lowercased()
        return ["s3://", "gs://", "az://", "abfss://", "abfs://"].contains { lower.hasPrefix($0) }
            || (lower.hasPrefix("https://") && lower.contains(".blob.core.windows.net"))
    }

    /// Parses `path`; throws a ``SpecError`` naming what is wrong with an address that has a
    /// store's scheme.
    init(_ path: String) throws(SpecError) {
        guard let schemeEnd = path.range(of: "://") else { throw SpecError(path: "path", "'\(path)' is not an object address") }
        let scheme = path[..<schemeEnd.lowerBound].lowercased()
        let rest = String(path[schemeEnd.upperBound...])
        let (authority, key) = Self.split(rest)
        switch scheme {
        case "s3", "gs", "az":
            provider = scheme == "s3" ? .s3 : scheme == "gs" ? .gcs : .azure
            bucket = authority
            account = nil
        case "abfs", "abfss":
            // container@account.dfs.core.windows.net
            let parts = authority.split(separator: "@", maxSplits: 1).map(String.init)
            guard parts.count == 2, let host = parts.last, let account = host.split(separator: ".").first, !account.isEmpty else {
                throw SpecError(path: "path", "'\(path)' should be \(scheme)://container@account.dfs.core.windows.net/path")
            }
            provider = .azure
            bucket = parts[0]
            self.account = String(account)
        case "https":
            guard let account = authority.split(separator: ".").first, authority.lowercased().hasSuffix(".blob.core.windows.net") else {
                throw SpecError(path: "path", "'\(path)' is not an Azure Blob address (https://account.blob.core.windows.net/container/blob)")
            }
            let (container, blob) = Self.split(key)
            provider = .azure
            bucket = container
            self.key = blob
            self.account = String(account)
            try Self.check(bucket: bucket, path: path)
            return
        default:
            throw SpecError(path: "path", "'\(path)': unknown object store scheme '\(scheme)'; expected s3, gs, az, abfss or https")
        }
        self.key = key
        try Self.check(bucket: bucket, path: path)
    }

    /// `text` cut at its first `/`: the part before, and everything after (without the `/`).
    private static func split(_ text: String) -> (String, String) {
        guard let slash = text.firstIndex(of: "/") else { return (text, "") }
        return (String(text[..<slash]), String(text[text.index(after: slash)...]))
    }

    /// Bucket and container names: 3 to 63 characters of lower-case letters, digits, `.`, `-`
    /// and `_` (the union of what the three stores allow; each store refuses what it does not).
    private static func check(bucket: String, path: String) throws(SpecError) {
        guard !bucket.isEmpty else { throw SpecError(path: "path", "'\(path)' names no bucket") }
        let allowed = bucket.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }
        guard allowed, (1...222).contains(bucket.utf8.count) else {
            throw SpecError(path: "path", "'\(bucket)' in '\(path)' is not a valid bucket or container name (lower-case letters, digits, '.', '-', '_')")
        }
    }
}
