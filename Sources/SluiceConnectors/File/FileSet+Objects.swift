import SluiceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileSet {
    /// The objects `location` names in `store`, in key order, as a file set: one object; every
    /// object below a prefix ending in `/` (or below a key that is no object but has objects
    /// under it) that `accept` takes by name; or the objects a glob matches, with the same rules
    /// as for files (`*`, `?`, `[a-z]` within a segment, `**` across any number of them). Names
    /// starting with `.` or `_` are skipped below a prefix or a `**`, as in a directory walk.
    static func objects(_ location: ObjectLocation, in store: any ObjectStore, accept: (String) -> Bool) async throws -> FileSet {
        let key = location.key
        if isGlob(key) {
            let segments = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let literalCount = segments.firstIndex(where: isGlob) ?? segments.count
            let prefix = segments[..<literalCount].map { $0 + "/" }.joined()
            let pattern = Array(segments[literalCount...])
            var entries: [Entry] = []
            for object in try await store.list(prefix: prefix, limit: maxFiles) {
                let rest = object.key.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                guard let name = rest.last, !name.isEmpty, matches(pattern[...], rest[...]) else { continue }
                entries.append(entry(object, store: store, relative: Array(rest.dropLast())))
            }
            return FileSet(entries: entries, isSet: true)
        }
        if !key.isEmpty, !key.hasSuffix("/"), let object = try await store.info(key) {
            return FileSet(entries: [entry(object, store: store, relative: [])], isSet: false)
        }
        let prefix = key.isEmpty || key.hasSuffix("/") ? key : key + "/"
        var entries: [Entry] = []
        for object in try await store.list(prefix: prefix, limit: maxFiles) {
            let rest = object.key.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard let name = rest.last, !name.isEmpty, accept(name),
                !rest.contains(where: { $0.hasPrefix(".") || $0.hasPrefix("_") || $0.isEmpty })
            else { continue }
            entries.append(entry(object, store: store, relative: Array(rest.dropLast())))
        }
        guard !entries.isEmpty || key.isEmpty || key.hasSuffix("/") else {
            throw ConnectorError.remote("\(store.url(of: key)): there is no such object, and no objects below it")
        }
        return FileSet(entries: entries, isSet: true)
    }

    private static func entry(_ object: ObjectInfo, store: any ObjectStore, relative: [String]) -> Entry {
        Entry(
            path: object.key, shown: store.url(of: object.key), relativeDirectories: relative, size: object.size, version: object.etag,
            modified: object.modified)
    }

    /// Whether the key segments `names` match the pattern segments `pattern`.
    static func matches(_ pattern: ArraySlice<String>, _ names: ArraySlice<String>) -> Bool {
        guard let segment = pattern.first else { return names.isEmpty }
        if segment == "**" {
            // Zero segments, or one more (not a hidden or `_` one) and still in the `**`.
            if matches(pattern.dropFirst(), names) { return true }
            guard let name = names.first, names.count > 1, !name.hasPrefix("."), !name.hasPrefix("_") else { return false }
            return matches(pattern, names.dropFirst())
        }
        guard let name = names.first else { return false }
        let matched = isGlob(segment) ? fnmatch(segment, name, FNM_PERIOD) == 0 : segment == name
        return matched && matches(pattern.dropFirst(), names.dropFirst())
    }
}
