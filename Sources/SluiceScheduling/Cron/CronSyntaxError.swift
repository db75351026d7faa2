import SluiceCore

/// Why a cron expression, `@every` duration or interval was refused, and where.
///
/// ``description`` shows the problem, its 1-based column and the text with a caret under
/// that column:
///
/// ```
/// 'L' (last day of month) is not supported at column 5
///   0 0 L * *
///       ^
/// ```
public struct CronSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what was expected, without the position.
    public let problem: String
    /// The 1-based character position of the problem in ``text``; one past the end when
    /// something is missing at the end.
    public let column: Int
    /// The text that was parsed.
    public let text: String

    /// An error at `column` (1-based) of `text`.
    public init(_ problem: String, column: Int, in text: String) {
        self.problem = problem
        self.column = column
        self.text = text
    }

    /// An error at the character `index` of `text` points to.
    init(_ problem: String, at index: String.Index, in text: String) {
        self.init(problem, column: text.distance(from: text.startIndex, to: index) + 1, in: text)
    }

    /// The problem, its column, then the text and a caret under the column.
    public var description: String {
        // Tabs stay tabs in the padding so that the caret lines up however they render.
        let shown = text.map { (character: Character) -> Character in character == "\n" || character == "\r" ? " " : character }
        let padding = shown.prefix(max(0, column - 1)).map { (character: Character) -> Character in character == "\t" ? "\t" : " " }
        return "\(problem) at column \(column)\n  \(String(shown))\n  \(String(padding))^"
    }

    /// The same error as a ``SpecError`` with an empty path, for the caller to prefix.
    public var specError: SpecError { SpecError(description) }
}
