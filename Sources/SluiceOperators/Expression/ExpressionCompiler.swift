import SluiceCore

/// Turns a syntax tree into a ``CompiledNode``: resolves and prepares functions, checks
/// argument counts and every type that literals make visible, and folds literal
/// sub-expressions. Field types are unknown until run time, so only what is certain fails here.
struct ExpressionCompiler {
    let source: String
    /// The value of `now()` while folding (never folded: `now` is not pure; kept for the context type).
    let foldingContext = EvaluationContext(now: Timestamp(microseconds: 0))

    private func error(_ offset: Int, _ message: String) -> ExpressionError {
        ExpressionError(source: source, position: offset + 1, message: message)
    }

    func compile(_ node: ExpressionNode) throws(ExpressionError) -> (node: CompiledNode, type: StaticType) {
        switch node {
        case .literal(let value, _):
            return (.constant(value), StaticType(of: value))
        case .field(let path, _):
            return (.field(path), .any)
        case .unary(let op, let operand, let offset):
            let (inner, type) = try compile(operand)
            switch op {
            case .negate:
                guard type.mayBeNumber else { throw error(offset, "cannot negate \(type.article)") }
                return (fold(.negate(inner), [inner]) { v throws(RowFailure) in try ScalarOperators.negate(v[0]) }, type)
            case .not:
                guard type.mayBeBool else { throw error(offset, "'!' needs a boolean, found \(type.article)") }
                return (fold(.not(inner), [inner]) { v throws(RowFailure) in try ScalarOperators.not(v[0]) }, .bool)
            }
        case .binary(let op, let left, let right, let offset):
            return try binary(op, left, right, offset)
        case .conditional(let branches, let otherwise, _):
            var compiled: [CompiledBranch] = []
            var types: [StaticType] = []
            for branch in branches {
                let (condition, conditionType) = try compile(branch.condition)
                guard conditionType.mayBeBool else {
                    throw error(branch.condition.offset, "a condition must be true or false, found \(conditionType.article)")
                }
                let (value, valueType) = try compile(branch.value)
                compiled.append(CompiledBranch(condition: condition, value: value))
                types.append(valueType)
            }
            let (elseNode, elseType) = try compile(otherwise)
            return (.conditional(compiled, otherwise: elseNode), StaticType.common(types + [elseType]))
        case .call(let name, let arguments, let offset):
            return try call(name, arguments, offset)
        }
    }

    private func binary(
        _ op: BinaryOperator, _ left: ExpressionNode, _ right: ExpressionNode, _ offset: Int
    ) throws(ExpressionError) -> (node: CompiledNode, type: StaticType) {
        let (a, aType) = try compile(left)
        let (b, bType) = try compile(right)
        if op.isArithmetic {
            for (side, type) in [(left, aType), (right, bType)] where !type.mayBeNumber {
                if op == .add, type == .string {
                    throw error(side.offset, "'+' adds numbers; use concat() to join text")
                }
                throw error(side.offset, "cannot \(op.verb) \(type.article)")
            }
            if op == .divide || op == .remainder, let divisor = b.constantValue, divisor.number == 0 {
                throw error(right.offset, "division by zero")
            }
            let node = fold(.arithmetic(op, a, b), [a, b]) { v throws(RowFailure) in try ScalarOperators.arithmetic(op, v[0], v[1]) }
            return (node, StaticType.arithmetic(op, aType, bType))
        }
        if op.isComparison {
            let numbers: Set<StaticType> = [.int, .double, .number]
            let mismatch =
                (aType == .bool && bType != .bool && bType != .any && bType != .null)
                || (bType == .bool && aType != .bool && aType != .any && aType != .null)
                || (aType == .timestamp && numbers.contains(bType)) || (bType == .timestamp && numbers.contains(aType))
            if mismatch { throw error(offset, "cannot compare \(aType.article) with \(bType.article)") }
            let node = fold(.comparison(op, a, b), [a, b]) { v throws(RowFailure) in try ScalarOperators.comparison(op, v[0], v[1]) }
            return (node, .bool)
        }
        for (side, type) in [(left, aType), (right, bType)] where !type.mayBeBool {
            throw error(side.offset, "'\(op.rawValue)' needs true or false on both sides, found \(type.article)")
        }
        if op == .and {
            return (fold(.and(a, b), [a, b]) { v throws(RowFailure) in try ScalarOperators.and(v[0]) { v[1] } }, .bool)
        }
        return (fold(.or(a, b), [a, b]) { v throws(RowFailure) in try ScalarOperators.or(v[0]) { v[1] } }, .bool)
    }

    private func call(
        _ name: String, _ arguments: [ExpressionNode], _ offset: Int
    ) throws(ExpressionError) -> (node: CompiledNode, type: StaticType) {
        var compiled: [CompiledNode] = []
        var types: [StaticType] = []
        if name == "coalesce" {
            guard !arguments.isEmpty else { throw error(offset, "coalesce() takes at least 1 argument, got 0") }
            for argument in arguments {
                let (node, type) = try compile(argument)
                compiled.append(node)
                types.append(type)
            }
            return (.coalesce(compiled), StaticType.common(types))
        }
        guard let function = FunctionLibrary.functions[name] else {
            var message = "unknown function '\(name)'"
            if let suggestion = FunctionLibrary.names.first(where: { ExpressionCompiler.editDistance($0, name) <= 2 }) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw error(offset, message)
        }
        let count = arguments.count
        if count < function.minimumArguments || count > (function.maximumArguments ?? Int.max) {
            throw error(offset, "\(name)() takes \(function.arityText), got \(count)")
        }
        for (i, argument) in arguments.enumerated() {
            let (node, type) = try compile(argument)
            let kind = function.parameter(i)
            guard kind.accepts(type) else {
                throw error(argument.offset, "argument \(i + 1) of \(name)() must be \(kind.expected), found \(type.article)")
            }
            compiled.append(node)
            types.append(type)
        }
        let implementation: FunctionDefinition.Implementation
        do {
            implementation = try function.prepare(compiled.map(\.constantValue))
        } catch {
            throw self.error(arguments[error.argument].offset, error.reason)
        }
        let resolved = CompiledCall(name: name, nullPropagating: function.nullPropagating, implementation: implementation)
        let node: CompiledNode =
            function.pure
            ? fold(.call(resolved, compiled), compiled) { v throws(RowFailure) in try resolved(v, foldingContext) }
            : .call(resolved, compiled)
        return (node, function.result(types))
    }

    /// `node` replaced by its value when every child is a literal and evaluation succeeds
    /// (a failing literal computation stays, to fail each row at run time).
    private func fold(
        _ node: CompiledNode, _ children: [CompiledNode], _ evaluate: ([Value]) throws(RowFailure) -> Value
    ) -> CompiledNode {
        let values = children.compactMap(\.constantValue)
        guard values.count == children.count, let value = try? evaluate(values) else { return node }
        return .constant(value)
    }
}

extension ExpressionCompiler {
    /// The Levenshtein distance between two short names.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        var previous = Array(0...y.count)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...max(y.count, 1) where !y.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return x.isEmpty ? y.count : previous[y.count]
    }
}
