import SluiceCore

/// A recursive-descent parser with precedence climbing, from tokens to an ``ExpressionNode``.
///
/// Precedence, loosest first: `||`, `&&`, `== !=`, `< <= > >=`, `+ -`, `* / %`, unary `- !`. All binary
/// operators associate to the left; a run of them is one ``ExpressionNode/operators(_:_:)`` node.
///
/// The source length and the nesting depth are bounded by ``ExpressionLimits``: the length
/// before lexing, the depth as the parser descends, so no deep tree is ever built.
struct ExpressionParser {
    private let source: String
    private let tokens: [ExpressionToken]
    private var index = 0
    /// The nesting level being parsed (see ``ExpressionLimits/maximumDepth``).
    private var depth = 0

    /// Words that cannot be bare field names (quote them with backticks instead).
    static let keywords: Set<String> = ["true", "false", "null", "case", "when", "then", "else", "end"]

    /// Parses a whole expression.
    static func parse(_ source: String) throws(ExpressionError) -> ExpressionNode {
        try checkLength(source)
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

    /// Refuses a source longer than ``ExpressionLimits/maximumSourceBytes``, at the first
    /// character past the limit.
    private static func checkLength(_ source: String) throws(ExpressionError) {
        let limit = ExpressionLimits.maximumSourceBytes
        guard source.utf8.count > limit else { return }
        var bytes = 0
        var characters = 0
        for character in source {
            bytes += character.utf8.count
            if bytes > limit { break }
            characters += 1
        }
        throw ExpressionError(source: source, position: characters + 1, message: "the expression is longer than \(limit) bytes; shorten it")
    }

    private init(source: String, tokens: [ExpressionToken]) {
        self.source = source
        self.tokens = tokens
    }

    private var current: ExpressionToken { tokens[index] }

    private func error(at token: ExpressionToken, _ message: String) -> ExpressionError {
        ExpressionError(source: source, position: token.offset + 1, message: message)
    }

    /// Goes one nesting level deeper, refusing past ``ExpressionLimits/maximumDepth``; the
    /// caller steps back up when it returns.
    private mutating func descend() throws(ExpressionError) {
        depth += 1
        guard depth <= ExpressionLimits.maximumDepth else {
            throw error(at: current, "the expression nests deeper than \(ExpressionLimits.maximumDepth) levels; simplify it")
        }
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

    // The functions that recurse (expression, primary, call, caseExpression) keep their own
    // frames small, since one set of them is on the stack per nesting level: anything with a
    // message to build or a token to classify is in a helper that returns before they recurse.

    /// Operands joined by binary operators binding at least as tightly as `minimumPrecedence`,
    /// one level deeper than the caller: `a * b + c` is `(a * b) + c`, a run of two operations.
    /// The first operand's prefix operators (`-`, `!`) are read here, each one level deeper,
    /// without recursing.
    private mutating func expression(minimumPrecedence: Int) throws(ExpressionError) -> ExpressionNode {
        try descend()
        let prefixes = try prefixOperators()
        defer { depth -= 1 + prefixes.count }
        let first = Self.prefixed(prefixes, try primary())
        var operations: [ExpressionNode.Operation] = []
        while let (op, offset) = binaryOperator(bindingAtLeast: minimumPrecedence) {
            let right = try expression(minimumPrecedence: op.precedence + 1)
            operations.append(ExpressionNode.Operation(op: op, operand: right, offset: offset))
        }
        return operations.isEmpty ? first : .operators(first, operations)
    }

    /// The binary operator at the current token, consumed, when it binds at least as tightly
    /// as `minimumPrecedence`.
    private mutating func binaryOperator(bindingAtLeast minimumPrecedence: Int) -> (BinaryOperator, offset: Int)? {
        guard case .symbol(let s) = current.kind, let op = BinaryOperator(rawValue: s), op.precedence >= minimumPrecedence else {
            return nil
        }
        return (op, advance().offset)
    }

    /// The prefix operators at the current token, consumed, outermost first; each goes one
    /// level deeper (the caller steps back up).
    private mutating func prefixOperators() throws(ExpressionError) -> [(op: UnaryOperator, offset: Int)] {
        var prefixes: [(op: UnaryOperator, offset: Int)] = []
        while case .symbol(let s) = current.kind, let op = UnaryOperator(rawValue: s) {
            prefixes.append((op, advance().offset))
            try descend()
        }
        return prefixes
    }

    /// `operand` under `prefixes` (outermost first); a minus in front of a number literal is
    /// folded, so `-5` is a literal.
    private static func prefixed(_ prefixes: [(op: UnaryOperator, offset: Int)], _ operand: ExpressionNode) -> ExpressionNode {
        var node = operand
        for (op, offset) in prefixes.reversed() {
            if op == .negate, case .literal(let value, _) = node {
                if case .int(let i) = value {
                    node = .literal(.int(-i), offset: offset)
                    continue
                }
                if case .double(let d) = value {
                    node = .literal(.double(-d), offset: offset)
                    continue
                }
            }
            node = .unary(op, node, offset: offset)
        }
        return node
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionNode {
        switch try operand() {
        case .complete(let node):
            return node
        case .group:
            let inner = try expression(minimumPrecedence: 1)
            try expect(")", "to close '('")
            return inner
        case .call(let name, let offset):
            return try call(name, offset: offset)
        case .caseExpression(let offset):
            return try caseExpression(offset: offset)
        }
    }

    /// What an operand starts with.
    private enum OperandStart {
        /// A literal or a field path, read whole.
        case complete(ExpressionNode)
        /// `(`, consumed.
        case group
        /// A function name and its `(`, consumed.
        case call(String, offset: Int)
        /// `case`, consumed.
        case caseExpression(offset: Int)
    }

    /// Reads the start of an operand: all of it when it cannot nest.
    private mutating func operand() throws(ExpressionError) -> OperandStart {
        let token = current
        switch token.kind {
        case .integer(let i):
            _ = advance()
            return .complete(.literal(.int(i), offset: token.offset))
        case .decimal(let d):
            _ = advance()
            return .complete(.literal(.double(d), offset: token.offset))
        case .string(let s):
            _ = advance()
            return .complete(.literal(.string(s), offset: token.offset))
        case .quotedIdentifier(let name):
            _ = advance()
            return .complete(try fieldPath(first: name, offset: token.offset))
        case .identifier(let name):
            _ = advance()
            let word = name.lowercased()
            switch word {
            case "true": return .complete(.literal(.bool(true), offset: token.offset))
            case "false": return .complete(.literal(.bool(false), offset: token.offset))
            case "null": return .complete(.literal(.null, offset: token.offset))
            case "case": return .caseExpression(offset: token.offset)
            default: break
            }
            if current.isSymbol("(") {
                _ = advance()
                return .call(word, offset: token.offset)
            }
            if Self.keywords.contains(word) {
                throw error(at: token, "expected a value, found the keyword '\(name)' (quote a field with that name as `\(name)`)")
            }
            return .complete(try fieldPath(first: name, offset: token.offset))
        case .symbol("("):
            _ = advance()
            return .group
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

    /// The arguments of a call whose `(` is read, and its `)`.
    private mutating func call(_ name: String, offset: Int) throws(ExpressionError) -> ExpressionNode {
        var arguments: [ExpressionNode] = []
        if !current.isSymbol(")") {
            repeat {
                arguments.append(try expression(minimumPrecedence: 1))
            } while try anotherArgument(of: name)
        }
        _ = advance()
        return try callNode(name, arguments, offset: offset)
    }

    /// Whether another argument follows (a `,`, consumed); at `)`, the arguments end.
    private mutating func anotherArgument(of name: String) throws(ExpressionError) -> Bool {
        if current.isSymbol(",") {
            _ = advance()
            return true
        }
        guard current.isSymbol(")") else {
            throw error(at: current, "expected ',' or ')' in the arguments of \(name)(), found \(current.display)")
        }
        return false
    }

    /// The node of a call: `if(c, a, b)` is a conditional, anything else a function call.
    private func callNode(_ name: String, _ arguments: [ExpressionNode], offset: Int) throws(ExpressionError) -> ExpressionNode {
        guard name == "if" else { return .call(name: name, arguments: arguments, offset: offset) }
        guard arguments.count == 3 else {
            throw ExpressionError(
                source: source, position: offset + 1,
                message: "if() takes 3 arguments (condition, value if true, value otherwise), got \(arguments.count)")
        }
        return .conditional(branches: [.init(condition: arguments[0], value: arguments[1])], otherwise: arguments[2], offset: offset)
    }

    private mutating func caseExpression(offset: Int) throws(ExpressionError) -> ExpressionNode {
        try expectKeyword("when", "after 'case'")
        var branches: [ExpressionNode.Branch] = []
        repeat {
            let condition = try expression(minimumPrecedence: 1)
            try expectKeyword("then", "after the condition of 'when'")
            let value = try expression(minimumPrecedence: 1)
            branches.append(.init(condition: condition, value: value))
        } while takeKeyword("when")
        var otherwise = ExpressionNode.literal(.null, offset: current.offset)
        if takeKeyword("else") { otherwise = try expression(minimumPrecedence: 1) }
        try expectKeyword("end", "to close 'case'")
        return .conditional(branches: branches, otherwise: otherwise, offset: offset)
    }

    /// Whether the current token is the keyword `word`, consumed if so.
    private mutating func takeKeyword(_ word: String) -> Bool {
        guard current.isKeyword(word) else { return false }
        _ = advance()
        return true
    }
}
