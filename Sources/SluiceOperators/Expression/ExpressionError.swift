import SluiceCore

/// A malformed expression, found when it is parsed (before any record is read).
///
/// Its ``description`` names the line and column and draws a caret under the spot:
///
/// ```
/// unknown function 'lenght' at 1:1
///   lenght(name) > 3
///   ^
/// ```
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The expression as written.
    public var source: String
    /// The 1-based character position of the problem within ``source``.
    public var position: Int
    /// What is wrong.
    public var message: String

    /// An error at `position` (1-based, in characters) of `source`.
    public init(source: String, position: Int, message: String) {
        self.source = source
        self.position = position
        self.message = message
    }

    /// The 1-based line and column of ``position``.
    public var lineAndColumn: (line: Int, column: Int) {
        var line = 1
        var column = 1
        for (offset, character) in source.enumerated() {
            if offset + 1 >= position { break }
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }

    /// The message with its place, then the offending line with a caret under the position.
    /// A line longer than ``shownLineLength`` characters is cut to the part around the
    /// position, with `…` where text is left out, so a huge expression gives a short message.
    public var description: String {
        let (line, column) = lineAndColumn
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let characters = line <= lines.count ? Array(lines[line - 1]) : []
        var text = String(characters)
        var caret = column - 1
        if characters.count > Self.shownLineLength {
            let half = Self.shownLineLength / 2
            let start = max(0, min(caret - half, characters.count - Self.shownLineLength))
            let end = min(characters.count, start + Self.shownLineLength)
            text = (start > 0 ? "…" : "") + String(characters[start..<end]) + (end < characters.count ? "…" : "")
            caret = caret - start + (start > 0 ? 1 : 0)
        }
        return "\(message) at \(line):\(column)\n  \(text)\n  \(String(repeating: " ", count: caret))^"
    }

    /// The most characters of the offending line ``description`` shows.
    static let shownLineLength = 80
}

/// Why one row's value could not be computed; the row's result becomes null.
struct RowFailure: Error, Sendable {
    /// What went wrong, as the dead-letter queue shows it (`division by zero`).
    let reason: String

    init(_ reason: String) { self.reason = reason }
}

/// A runtime failure of one row of a batch.
public struct ExpressionRowError: Sendable, Equatable {
    /// The row's index in the evaluated batch.
    public var row: Int
    /// What went wrong (`division by zero`, `cannot convert 'abc' to an integer`).
    public var reason: String

    /// A failure of row `row`.
    public init(row: Int, reason: String) {
        self.row = row
        self.reason = reason
    }
}
