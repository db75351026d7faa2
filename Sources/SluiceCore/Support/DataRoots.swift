#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The directories file sources and targets are confined to (`SLUICE_DATA_DIRS`).
///
/// A path is allowed only if, after resolving `..` and every symlink of its longest existing
/// prefix, it lies inside one of the roots (themselves resolved). A target file that does not
/// exist yet is checked through its parent directory.
public struct DataRoots: Sendable, Equatable {
    /// The resolved root directories.
    public let roots: [String]

    /// Roots from paths; each is resolved through symlinks (a missing root is kept as given).
    public init(_ paths: [String]) {
        roots = paths.filter { !$0.isEmpty }.map { DataRoots.resolve(DataRoots.absolute($0)) }
    }

    /// Resolves `path` against the roots, returning the real path to use, or throws
    /// ``AccessDenied`` when it escapes them.
    public func authorize(_ path: String) throws(AccessDenied) -> String {
        let resolved = DataRoots.resolve(DataRoots.absolute(path))
        for root in roots where resolved == root || resolved.hasPrefix(root == "/" ? "/" : root + "/") {
            return resolved
        }
        throw AccessDenied(path: path, resolved: resolved, roots: roots)
    }

    /// `path` as the server reads it: made absolute against the working directory (a relative
    /// path is never read against a job file's directory), `..` and symlinks resolved.
    public static func resolved(_ path: String) -> String {
        resolve(absolute(path))
    }

    /// A file as messages name it: the resolved absolute path, followed by the path as
    /// configured when that differs (`'/srv/data/orders.csv' (from 'orders.csv')`).
    ///
    /// `given` is the configured path after `${env:…}` references were resolved, so only
    /// call this with a `path` setting (which is not a secret), never with a URL or a value
    /// that may hold credentials.
    public static func describe(_ resolved: String, given: String) -> String {
        resolved == given ? "'\(resolved)'" : "'\(resolved)' (from '\(given)')"
    }

    /// `path` made absolute against the working directory.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" + path }
        let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return cwd + "/" + path
    }

    /// Lexically normalizes `path` (`.`, `..`, repeated slashes), then resolves symlinks in the
    /// longest existing prefix; the rest is appended unresolved.
    static func resolve(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                _ = parts.popLast()
            } else {
                parts.append(part)
            }
        }
        var existing = parts.count
        while existing >= 0 {
            let prefix = "/" + parts.prefix(existing).joined(separator: "/")
            if let real = realPath(prefix) {
                let rest = parts.dropFirst(existing).joined(separator: "/")
                if rest.isEmpty { return real }
                return real == "/" ? "/" + rest : real + "/" + rest
            }
            existing -= 1
        }
        return "/" + parts.joined(separator: "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

/// A file path outside the configured data roots.
public struct AccessDenied: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path as given.
    public var path: String
    /// The absolute path it resolves to (working directory, `..` and symlinks applied).
    public var resolved: String
    /// The roots it had to be inside.
    public var roots: [String]

    /// A refusal of `path`, which resolves to `resolved` (by default, what
    /// ``DataRoots/resolved(_:)`` gives).
    public init(path: String, resolved: String? = nil, roots: [String]) {
        self.path = path
        self.resolved = resolved ?? DataRoots.resolved(path)
        self.roots = roots
    }

    /// `path '/srv/x.csv' (from 'x.csv') is outside the allowed data directories (…)`.
    public var description: String {
        "path \(DataRoots.describe(resolved, given: path)) is outside the allowed data directories "
            + "(\(roots.joined(separator: ", "))); set SLUICE_DATA_DIRS to allow it"
    }
}
