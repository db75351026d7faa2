import SluiceCore

/// Splits an expression into tokens; a character it cannot read is an ``ExpressionError``.
struct ExpressionLexer {
    private let source: String
    private let characters: [Character]
    private var index = 0

    init(_ source: String) {
        self.source = source
        characters = Array(source)
    }

    /// All tokens, ending with `.end`.
    static func tokens(_ source: String) throws(ExpressionError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(source)
        var tokens: [ExpressionToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func error(_ offset: Int, _ message: String) -> ExpressionError {
        ExpressionError(source: source, position: offset + 1, message: message)
    }

    private func peek(_ ahead: Int = 0) -> Character? {
        index + ahead < characters.count ? characters[index + ahead] : nil
    }

    private mutating func next() throws(ExpressionError) -> ExpressionToken {
        while let c = peek(), c.isWhitespace { index += 1 }
        let start = index
        guard let c = peek() else { return ExpressionToken(kind: .end, offset: start) }
        if c.isASCII, c.isNumber || (c == "." && (peek(1)?.isASCII ?? false) && (peek(1)?.isNumber ?? false)) {
            return try number(start)
        }
        if c == "'" || c == "\"" { return try string(start, quote: c) }
        if c == "`" { return try quotedName(start) }
        if c.isLetter || c == "_" {
            while let d = peek(), d.isLetter || d.isNumber || d == "_" { index += 1 }
            return ExpressionToken(kind: .identifier(String(characters[start..<index])), offset: start)
        }
        let two = peek(1).map { String([c, $0]) } ?? ""
        if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
            index += 2
            return ExpressionToken(kind: .symbol(two), offset: start)
        }
        switch c {
        case "+", "-", "*", "/", "%", "(", ")", ",", ".", "[", "]", "<", ">", "!":
            index += 1
            return ExpressionToken(kind: .symbol(String(c)), offset: start)
        case "=":
            throw error(start, "'=' is not an operator; use '==' to compare")
        case "&":
            throw error(start, "'&' is not an operator; use '&&' for and")
        case "|":
            throw error(start, "'|' is not an operator; use '||' for or")
        default:
            throw error(start, "unexpected character '\(c)'")
        }
    }

    private mutating func number(_ start: Int) throws(ExpressionError) -> ExpressionToken {
        var isDecimal = false
        while let c = peek(), c.isASCII, c.isNumber { index += 1 }
        if peek() == ".", let d = peek(1), d.isASCII, d.isNumber {
            isDecimal = true
            index += 1
            while let c = peek(), c.isASCII, c.isNumber { index += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            var ahead = 1
            if let sign = peek(1), sign == "+" || sign == "-" { ahead = 2 }
            guard let d = peek(ahead), d.isASCII, d.isNumber else {
                throw error(index, "expected digits after the exponent '\(e)'")
            }
            isDecimal = true
            index += ahead
            while let c = peek(), c.isASCII, c.isNumber { index += 1 }
        }
        if let c = peek(), c.isLetter || c == "_" {
            throw error(index, "unexpected '\(c)' after a number")
        }
        let text = String(characters[start..<index])
        if !isDecimal {
            guard let value = Int(text) else { throw error(start, "integer \(text) is too large (limit \(Int.max))") }
            return ExpressionToken(kind: .integer(value), offset: start)
        }
        guard let value = Double(text), value.isFinite else { throw error(start, "number \(text) is out of range") }
        return ExpressionToken(kind: .decimal(value), offset: start)
    }

    private mutating func string(_ start: Int, quote: Character) throws(ExpressionError) -> ExpressionToken {
        index += 1
        var text = ""
        while let c = peek() {
            index += 1
            if c == quote { return ExpressionToken(kind: .string(text), offset: start) }
            guard c == "\\" else {
                text.append(c)
                continue
            }
            guard let escaped = peek() else { break }
            switch escaped {
            case "'", "\"", "\\": text.append(escaped)
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            default: throw error(index - 1, "unknown escape '\\\(escaped)'; use \\' \\\" \\\\ \\n \\t or \\r")
            }
            index += 1
        }
        throw error(start, "unterminated string; close it with \(quote)")
    }

    private mutating func quotedName(_ start: Int) throws(ExpressionError) -> ExpressionToken {
        index += 1
        var name = ""
        while let c = peek() {
            index += 1
            if c == "`" {
                // A doubled backtick stands for one backtick inside the name.
                if peek() == "`" {
                    index += 1
                    name.append("`")
                    continue
                }
                guard !name.isEmpty else { throw error(start, "empty field name ``") }
                return ExpressionToken(kind: .quotedIdentifier(name), offset: start)
            }
            name.append(c)
        }
        throw error(start, "unterminated field name; close it with `")
    }
}
