import Foundation

/// Files of this repository (sample data, examples), located from this source file.
public enum RepositoryFiles {
    /// The repository root.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `root/relative`.
    public static func path(_ relative: String) -> String { "\(root)/\(relative)" }

    /// The text of `root/relative`.
    public static func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path(relative))), as: UTF8.self)
    }
}
