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
    /// The server's own files and directories (state database, scratch ledgers), refused
    /// whatever the roots say, each with what it is.
    public let reserved: [ReservedPath]

    /// Roots from paths; each is resolved through symlinks (a missing root is kept as given).
    /// `reserved` paths are refused even inside a root.
    public init(_ paths: [String], reserved: [ReservedPath] = []) {
        roots = paths.filter { !$0.isEmpty }.map { DataRoots.resolve(DataRoots.absolute($0)) }
        self.reserved = reserved.map { ReservedPath(DataRoots.resolve(DataRoots.absolute($0.path)), what: $0.what) }
    }

    /// Resolves `path` against the roots, returning the real path to use, or throws
    /// ``AccessDenied`` when it escapes them or names one of the server's own files.
    public func authorize(_ path: String) throws(AccessDenied) -> String {
        let resolved = DataRoots.resolve(DataRoots.absolute(path))
        if let hit = reserved.first(where: { DataRoots.contains($0.path, resolved) }) {
            throw AccessDenied(path: path, resolved: resolved, roots: roots, reservedFor: hit.what)
        }
        for root in roots where DataRoots.contains(root, resolved) {
            return resolved
        }
        throw AccessDenied(path: path, resolved: resolved, roots: roots)
    }

    /// Like ``authorize(_:)``, for a file about to be written: the path's last component is
    /// resolved too, so a symlink whose target does not exist yet (which the write would
    /// create wherever it points, maybe outside every root) is refused, and the directory
    /// the file goes in must itself be inside a root (temporary files are made there).
    public func authorizeTarget(_ path: String) throws(AccessDenied) -> String {
        let resolved = try authorize(path)
        var info = stat()
        if lstat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            // `resolve` follows every link that leads somewhere; a link still here points at nothing.
            throw AccessDenied(
                path: path, resolved: resolved, roots: roots,
                problem: "is a symbolic link to a file that does not exist; refusing to create what it points to")
        }
        let directory = DataRoots.parent(of: resolved)
        guard roots.contains(where: { DataRoots.contains($0, directory) }) else {
            throw AccessDenied(
                path: path, resolved: resolved, roots: roots,
                problem: "is a data directory itself; name a file inside it")
        }
        return resolved
    }

    /// Whether `path` is `root` or inside it (both resolved).
    static func contains(_ root: String, _ path: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    /// The directory part of an absolute, resolved path.
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// `path` as the server reads it: made absolute against the working directory (a relative
    /// path is never read against a job file's directory), `..` and symlinks resolved.
    public static func resolved(_ path: String) -> String {
        resolve(absolute(path))
    }

    /// A file as messages name it: the resolved absolute path, followed by the path as
    /// configured when that differs (`'/srv/data/orders.csv' (from 'orders.csv')`).
    ///
    /// `given` is the configured path. Only call this with a `path` setting, never with a URL
    /// or a value that may hold credentials; a path built from `${env:…}` references is shown
    /// by the planner with the references unresolved and their values hidden (`***`), and a
    /// run's failure text has those values scrubbed (see `SecretValues`).
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

/// One of the server's own files or directories, which jobs may not touch.
public struct ReservedPath: Sendable, Equatable {
    /// The path (resolved once the roots are built).
    public var path: String
    /// What it is, for messages: `the server's state database`.
    public var what: String

    public init(_ path: String, what: String) {
        self.path = path
        self.what = what
    }
}

/// A file path outside the configured data roots, or one of the server's own files.
public struct AccessDenied: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path as given.
    public var path: String
    /// The absolute path it resolves to (working directory, `..` and symlinks applied).
    public var resolved: String
    /// The roots it had to be inside.
    public var roots: [String]
    /// What the path is when it is one of the server's own files, else `nil`.
    public var reservedFor: String?
    /// Why the path is refused when it is inside the roots yet unusable, else `nil`.
    public var problem: String?

    /// A refusal of `path`, which resolves to `resolved` (by default, what
    /// ``DataRoots/resolved(_:)`` gives).
    public init(path: String, resolved: String? = nil, roots: [String], reservedFor: String? = nil, problem: String? = nil) {
        self.path = path
        self.resolved = resolved ?? DataRoots.resolved(path)
        self.roots = roots
        self.reservedFor = reservedFor
        self.problem = problem
    }

    /// `path '/srv/x.csv' (from 'x.csv') is outside the allowed data directories (…)`.
    public var description: String {
        if let reservedFor {
            return "path \(DataRoots.describe(resolved, given: path)) is \(reservedFor), which jobs may neither read nor write"
        }
        if let problem {
            return "path \(DataRoots.describe(resolved, given: path)) \(problem)"
        }
        return "path \(DataRoots.describe(resolved, given: path)) is outside the allowed data directories "
            + "(\(roots.joined(separator: ", "))); set SLUICE_DATA_DIRS to allow it"
    }
}
