import SluiceCore

/// A recursive-descent parser with precedence climbing, from tokens to an ``ExpressionNode``.
///
/// Precedence, loosest first: `||`, `&&`, `== !=`, `< <= > >=`, `+ -`, `* / %`, unary `- !`. All binary
/// operators associate to the left.
struct ExpressionParser {
    private let source: String
    private let tokens: [ExpressionToken]
    private var index = 0

    /// Words that cannot be bare field names (quote them with backticks instead).
    static let keywords: Set<String> = ["true", "false", "null", "case", "when", "then", "else", "end"]

    /// Parses a whole expression.
    static func parse(_ source: String) throws(ExpressionError) -> ExpressionNode {
        var parser = ExpressionParser(source: source, tokens: try ExpressionLexer.tokens(source))
        guard parser.current.kind != .end else {
            throw parser.error(at: parser.current, "the expression is empty")
        }
        let node = try parser.expression(minimumPrecedence: 1)
        guard parser.current.kind == .end else {
            throw parser.error(at: parser.current, "expected an operator or the end of the expression, found \(parser.current.display)")
        }
        return node
    }

    private init(source: String, tokens: [ExpressionToken]) {
        self.source = source
        self.tokens = tokens
    }

    private var current: ExpressionToken { tokens[index] }

    private func error(at token: ExpressionToken, _ message: String) -> ExpressionError {
        ExpressionError(source: source, position: token.offset + 1, message: message)
    }

    private mutating func advance() -> ExpressionToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private mutating func expect(_ symbol: String, _ context: String) throws(ExpressionError) {
        guard current.isSymbol(symbol) else {
            throw error(at: current, "expected '\(symbol)' \(context), found \(current.display)")
        }
        _ = advance()
    }

    private mutating func expectKeyword(_ word: String, _ context: String) throws(ExpressionError) {
        guard current.isKeyword(word) else {
            throw error(at: current, "expected '\(word)' \(context), found \(current.display)")
        }
        _ = advance()
    }

    private mutating func expression(minimumPrecedence: Int) throws(ExpressionError) -> ExpressionNode {
        var left = try unary()
        while case .symbol(let s) = current.kind, let op = BinaryOperator(rawValue: s), op.precedence >= minimumPrecedence {
            let token = advance()
            let right = try expression(minimumPrecedence: op.precedence + 1)
            left = .binary(op, left, right, offset: token.offset)
        }
        return left
    }

    private mutating func unary() throws(ExpressionError) -> ExpressionNode {
        if case .symbol(let s) = current.kind, let op = UnaryOperator(rawValue: s) {
            let token = advance()
            let operand = try unary()
            // Fold a minus in front of a number literal, so `-5` is a literal.
            if op == .negate, case .literal(let value, _) = operand {
                if case .int(let i) = value { return .literal(.int(-i), offset: token.offset) }
                if case .double(let d) = value { return .literal(.double(-d), offset: token.offset) }
            }
            return .unary(op, operand, offset: token.offset)
        }
        return try primary()
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionNode {
        let token = current
        switch token.kind {
        case .integer(let i):
            _ = advance()
            return .literal(.int(i), offset: token.offset)
        case .decimal(let d):
            _ = advance()
            return .literal(.double(d), offset: token.offset)
        case .string(let s):
            _ = advance()
            return .literal(.string(s), offset: token.offset)
        case .quotedIdentifier(let name):
            _ = advance()
            return try fieldPath(first: name, offset: token.offset)
        case .identifier(let name):
            _ = advance()
            let word = name.lowercased()
            switch word {
            case "true": return .literal(.bool(true), offset: token.offset)
            case "false": return .literal(.bool(false), offset: token.offset)
            case "null": return .literal(.null, offset: token.offset)
            case "case": return try caseExpression(offset: token.offset)
            default: break
            }
            if current.isSymbol("(") { return try call(word, offset: token.offset) }
            if Self.keywords.contains(word) {
                throw error(at: token, "expected a value, found the keyword '\(name)' (quote a field with that name as `\(name)`)")
            }
            return try fieldPath(first: name, offset: token.offset)
        case .symbol("("):
            _ = advance()
            let inner = try expression(minimumPrecedence: 1)
            try expect(")", "to close '('")
            return inner
        case .end:
            throw error(at: token, "expected a value, found the end of the expression")
        default:
            throw error(at: token, "expected a value, found \(token.display)")
        }
    }

    private mutating func fieldPath(first: String, offset: Int) throws(ExpressionError) -> ExpressionNode {
        var steps: [FieldPath.Step] = [.key(first)]
        while true {
            if current.isSymbol(".") {
                _ = advance()
                switch current.kind {
                case .identifier(let key), .quotedIdentifier(let key):
                    _ = advance()
                    steps.append(.key(key))
                default:
                    throw error(at: current, "expected a field name after '.', found \(current.display)")
                }
            } else if current.isSymbol("[") {
                _ = advance()
                guard case .integer(let i) = current.kind else {
                    throw error(at: current, "expected an array index (a whole number) after '[', found \(current.display)")
                }
                _ = advance()
                try expect("]", "to close the array index")
                steps.append(.index(i))
            } else {
                return .field(FieldPath(steps: steps), offset: offset)
            }
        }
    }

    private mutating func call(_ name: String, offset: Int) throws(ExpressionError) -> ExpressionNode {
        try expect("(", "after the function name")
        var arguments: [ExpressionNode] = []
        if !current.isSymbol(")") {
            while true {
                arguments.append(try expression(minimumPrecedence: 1))
                if current.isSymbol(",") {
                    _ = advance()
                    continue
                }
                guard current.isSymbol(")") else {
                    throw error(at: current, "expected ',' or ')' in the arguments of \(name)(), found \(current.display)")
                }
                break
            }
        }
        _ = advance()
        if name == "if" {
            guard arguments.count == 3 else {
                throw ExpressionError(
                    source: source, position: offset + 1,
                    message: "if() takes 3 arguments (condition, value if true, value otherwise), got \(arguments.count)")
            }
            return .conditional(branches: [.init(condition: arguments[0], value: arguments[1])], otherwise: arguments[2], offset: offset)
        }
        return .call(name: name, arguments: arguments, offset: offset)
    }

    private mutating func caseExpression(offset: Int) throws(ExpressionError) -> ExpressionNode {
        var branches: [ExpressionNode.Branch] = []
        guard current.isKeyword("when") else {
            throw error(at: current, "expected 'when' after 'case', found \(current.display)")
        }
        while current.isKeyword("when") {
            _ = advance()
            let condition = try expression(minimumPrecedence: 1)
            try expectKeyword("then", "after the condition of 'when'")
            let value = try expression(minimumPrecedence: 1)
            branches.append(.init(condition: condition, value: value))
        }
        var otherwise = ExpressionNode.literal(.null, offset: current.offset)
        if current.isKeyword("else") {
            _ = advance()
            otherwise = try expression(minimumPrecedence: 1)
        }
        try expectKeyword("end", "to close 'case'")
        return .conditional(branches: branches, otherwise: otherwise, offset: offset)
    }
}
