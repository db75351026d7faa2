import Foundation

/// A fresh directory under the system temp directory, removed by ``remove()``.
public struct TemporaryDirectory: Sendable {
    /// Absolute path of the directory (symlinks resolved, so it compares equal to resolved paths).
    public let path: String

    /// Creates a new empty directory.
    public init(prefix: String = "sluice-test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        let path = "\(base)/\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
    }

    /// `path/name`.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Writes `text` to `name` (creating the folders it names) and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = self.file(name)
        if name.contains("/") {
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// The contents of `name` as text.
    public func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: file(name))), as: UTF8.self)
    }

    /// The names in the directory, sorted.
    public func list() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    /// Every file below the directory (not folders), as relative paths, sorted.
    public func listFiles() -> [String] {
        let all = FileManager.default.enumerator(atPath: path)?.allObjects.compactMap { $0 as? String } ?? []
        return all.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: file(name), isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    /// Deletes the directory and everything in it.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
