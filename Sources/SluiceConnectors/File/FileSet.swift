import SluiceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files one configured `path` names, in sorted order: the file itself, every file under
/// a directory, or every file a glob matches (`data/2024-*.csv`, `logs/**/*.ndjson.gz`).
///
/// Globs match one path segment per pattern segment with `fnmatch` (`*`, `?`, `[a-z]`, and a
/// leading `.` only when the pattern has one); a `**` segment matches any number of
/// directories, including none. Names starting with `.` or `_` are skipped when walking a
/// directory or a `**` (hidden files, `_SUCCESS` markers, Sluice's own temporary files). Every
/// file and directory is checked against the data roots as it is found, so a symlink out of
/// them is refused like a path.
struct FileSet: Sendable {
    /// One file of the set.
    struct Entry: Sendable, Equatable {
        /// The resolved path to open.
        var path: String
        /// The path as the configuration names it: the pattern's or directory's own prefix
        /// followed by the matched part (`data/2024-05.csv`), for the file-name field and messages.
        var shown: String
        /// The folders between the base directory and the file (`year=2024/month=05`), for
        /// Hive-style partition fields.
        var relativeDirectories: [String]
        /// The size in bytes when listed.
        var size: Int
        /// An object's version when listed (its ETag or generation), which its reads require.
        var version: String? = nil
        /// When the file or object was last written, when known.
        var modified: Timestamp? = nil
    }

    /// The most files one source may name (`SLUICE_MAX_SOURCE_FILES` is not configurable: a
    /// larger set is almost always a wrong pattern).
    static let maxFiles = 100_000
    /// The deepest a directory walk goes below its base.
    static let maxDepth = 64

    let entries: [Entry]
    /// Whether the path was a glob or a directory (a set), not one file.
    let isSet: Bool

    /// A set of entries already found (an object store's listing).
    init(entries: [Entry], isSet: Bool) {
        self.entries = entries
        self.isSet = isSet
    }

    /// The folders of a pattern before its first glob segment (`.` when it starts with one).
    static func literalPrefix(of pattern: String) -> String {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true)
        let literal = segments.prefix { !isGlob(String($0)) }
        let prefix = (pattern.hasPrefix("/") ? "/" : "") + literal.joined(separator: "/")
        return prefix.isEmpty ? "." : prefix
    }

    /// Whether `path` holds glob characters.
    static func isGlob(_ path: String) -> Bool { path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) }

    /// Expands `configured` against the file system. `accept` filters the files of a
    /// directory walk (by extension); glob matches are taken as they are.
    init(_ configured: String, roots: DataRoots, accept: (String) -> Bool) throws {
        if Self.isGlob(configured) {
            let segments = configured.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            let literalCount = segments.firstIndex(where: Self.isGlob) ?? segments.count
            let prefix = (configured.hasPrefix("/") ? "/" : "") + segments[..<literalCount].joined(separator: "/")
            let base = Self.literalPrefix(of: configured)
            let real = try Self.authorizedDirectory(base, configured: configured, roots: roots)
            var found: [Entry] = []
            try Self.walk(
                directory: real, shown: prefix, pattern: segments[literalCount...], relative: [], roots: roots, into: &found,
                configured: configured)
            entries = found.sorted { $0.shown.utf8.lexicographicallyPrecedes($1.shown.utf8) }
            isSet = true
            return
        }
        let real = try roots.authorize(configured)
        var info = stat()
        if stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            var found: [Entry] = []
            let shownBase = configured.hasSuffix("/") ? String(configured.dropLast()) : configured
            try Self.walkAll(directory: real, shown: shownBase, relative: [], roots: roots, accept: accept, into: &found, configured: configured)
            entries = found.sorted { $0.shown.utf8.lexicographicallyPrecedes($1.shown.utf8) }
            isSet = true
            return
        }
        entries = [Entry(path: real, shown: configured, relativeDirectories: [], size: Int(info.st_size), modified: Self.modified(info))]
        isSet = false
    }

    /// Whether `path` is a directory (following symlinks).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Total bytes of the listed files.
    var totalBytes: Int { entries.reduce(0) { $0 + $1.size } }

    private static func authorizedDirectory(_ path: String, configured: String, roots: DataRoots) throws -> String {
        let real = try roots.authorize(path)
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ConnectorError.io("the pattern '\(configured)' starts in \(DataRoots.describe(real, given: path)), which is not a directory")
        }
        return real
    }

    /// The names in `directory`, without `.` and `..`.
    private static func list(_ directory: String) throws -> [String] {
        guard let handle = opendir(directory) else {
            throw ConnectorError.io("cannot list '\(directory)': \(String(cString: strerror(errno)))")
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private enum Kind { case file(Int, Timestamp), directory, other }

    /// The last-modification time `stat` gives.
    private static func modified(_ info: stat) -> Timestamp {
        Timestamp(microseconds: Int64(info.st_mtim.tv_sec) &* 1_000_000 &+ Int64(info.st_mtim.tv_nsec / 1000))
    }

    private static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .other }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file(Int(info.st_size), modified(info))
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    private static func join(_ base: String, _ name: String) -> String {
        base.isEmpty ? name : base == "/" ? "/" + name : base + "/" + name
    }

    private static func add(_ entry: Entry, to found: inout [Entry], configured: String) throws {
        guard found.count < maxFiles else {
            throw ConnectorError.io("'\(configured)' names more than \(maxFiles) files; narrow the pattern")
        }
        found.append(entry)
    }

    /// Every regular file under `directory` (skipping hidden and `_` names) that `accept` takes.
    private static func walkAll(
        directory: String, shown: String, relative: [String], roots: DataRoots, accept: (String) -> Bool, into found: inout [Entry],
        configured: String
    ) throws {
        guard relative.count <= maxDepth else { return }
        for name in try list(directory) where !name.hasPrefix(".") && !name.hasPrefix("_") {
            let path = join(directory, name)
            let real = try roots.authorize(path)
            switch kind(real) {
            case .file(let size, let modified) where accept(name):
                try add(
                    Entry(path: real, shown: join(shown, name), relativeDirectories: relative, size: size, modified: modified), to: &found,
                    configured: configured)
            case .directory:
                try walkAll(
                    directory: real, shown: join(shown, name), relative: relative + [name], roots: roots, accept: accept, into: &found,
                    configured: configured)
            default: break
            }
        }
    }

    /// The files under `directory` that the remaining pattern segments match.
    private static func walk(
        directory: String, shown: String, pattern: ArraySlice<String>, relative: [String], roots: DataRoots, into found: inout [Entry],
        configured: String
    ) throws {
        guard let segment = pattern.first, relative.count <= maxDepth else { return }
        let rest = pattern.dropFirst()
        if segment == "**" {
            // Zero directories: the rest of the pattern right here; then one more level down.
            try walk(directory: directory, shown: shown, pattern: rest, relative: relative, roots: roots, into: &found, configured: configured)
            for name in try list(directory) where !name.hasPrefix(".") && !name.hasPrefix("_") {
                let real = try roots.authorize(join(directory, name))
                if case .directory = kind(real) {
                    try walk(
                        directory: real, shown: join(shown, name), pattern: pattern, relative: relative + [name], roots: roots, into: &found,
                        configured: configured)
                }
            }
            return
        }
        let names = isGlob(segment) ? try list(directory).filter { fnmatch(segment, $0, FNM_PERIOD) == 0 } : [segment]
        for name in names {
            let path = join(directory, name)
            var exists = stat()
            guard stat(path, &exists) == 0 else { continue }
            let real = try roots.authorize(path)
            switch kind(real) {
            case .file(let size, let modified) where rest.isEmpty:
                try add(
                    Entry(path: real, shown: join(shown, name), relativeDirectories: relative, size: size, modified: modified), to: &found,
                    configured: configured)
            case .directory where !rest.isEmpty:
                try walk(
                    directory: real, shown: join(shown, name), pattern: rest, relative: relative + [name], roots: roots, into: &found,
                    configured: configured)
            default: break
            }
        }
    }
}
