/// A failure of a whole document: a JSON syntax error, a missing `recordsPath`, or a
/// document that is not records at all. Unlike a rejected row, nothing after it can be read,
/// so the job fails with this message.
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line where the problem was found, when it has one.
    public var line: Int?
    /// What was wrong and, where it helps, what was expected.
    public var message: String

    /// An error on `line` (or of the whole document when `nil`) saying `message`.
    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    /// An error of the whole file saying `message` (which names the file and the position:
    /// a byte offset, a row group, a sheet cell).
    public init(_ message: String) {
        self.line = nil
        self.message = message
    }

    /// `line 3: message`, or the bare message when there is no line.
    public var description: String {
        guard let line else { return message }
        return "line \(line): \(message)"
    }
}
