import SluiceCore

/// One token of an expression, with the 0-based character offset where it starts.
struct ExpressionToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case integer(Int)
        case decimal(Double)
        case string(String)
        /// A bare name (`amount`, `lower`, `case`); keywords are recognized by the parser.
        case identifier(String)
        /// A backtick-quoted name (`` `order total` ``); never a keyword or function.
        case quotedIdentifier(String)
        /// An operator or punctuation mark (`+`, `<=`, `&&`, `(`, `,`, `.`, `[`).
        case symbol(String)
        case end
    }

    let kind: Kind
    /// 0-based character offset into the source.
    let offset: Int

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .integer(let i): return String(i)
        case .decimal(let d): return String(d)
        case .string(let s): return "'\(s)'"
        case .identifier(let s): return "'\(s)'"
        case .quotedIdentifier(let s): return "`\(s)`"
        case .symbol(let s): return "'\(s)'"
        case .end: return "the end of the expression"
        }
    }

    /// Whether this is the symbol `text`.
    func isSymbol(_ text: String) -> Bool {
        if case .symbol(let s) = kind { return s == text }
        return false
    }

    /// Whether this is the keyword `word` (keywords are case-insensitive).
    func isKeyword(_ word: String) -> Bool {
        if case .identifier(let s) = kind { return s.lowercased() == word }
        return false
    }
}
