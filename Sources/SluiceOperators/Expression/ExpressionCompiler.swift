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

    // The functions that recurse (compile, operators, conditional, call) keep their frames
    // small, since one set of them is on the stack per nesting level: checks, messages and
    // folding are in helpers that run between the recursive calls.

    func compile(_ node: ExpressionNode) throws(ExpressionError) -> (node: CompiledNode, type: StaticType) {
        switch node {
        case .literal(let value, _):
            return (.constant(value), StaticType(of: value))
        case .field(let path, _):
            return (.field(path), .any)
        case .unary(let op, let operand, let offset):
            return try unary(op, try compile(operand), offset)
        case .operators(let first, let operations):
            return try operators(first, operations)
        case .conditional(let branches, let otherwise, _):
            return try conditional(branches, otherwise)
        case .call(let name, let arguments, let offset):
            return try call(name, arguments, offset)
        }
    }

    /// `-x` or `!x` over the compiled operand, folded when it is a literal.
    private func unary(
        _ op: UnaryOperator, _ operand: (node: CompiledNode, type: StaticType), _ offset: Int
    ) throws(ExpressionError) -> (node: CompiledNode, type: StaticType) {
        let (inner, type) = operand
        switch op {
        case .negate:
            guard type.mayBeNumber else { throw error(offset, "cannot negate \(type.article)") }
            return (fold(.negate(inner), [inner]) { v throws(RowFailure) in try ScalarOperators.negate(v[0]) }, type)
        case .not:
            guard type.mayBeBool else { throw error(offset, "'!' needs a boolean, found \(type.article)") }
            return (fold(.not(inner), [inner]) { v throws(RowFailure) in try ScalarOperators.not(v[0]) }, .bool)
        }
    }

    /// A run of binary operators, folded left to right: each step is checked against the
    /// types so far, and a prefix of literals becomes one literal (`1 + 2 + a` is `3 + a`).
    private func operators(
        _ first: ExpressionNode, _ operations: [ExpressionNode.Operation]
    ) throws(ExpressionError) -> (node: CompiledNode, type: StaticType) {
        var run = OperatorRun(try compile(first), offset: first.offset)
        for operation in operations {
            try append(operation, try compile(operation.operand), to: &run)
        }
        return run.compiled
    }

    /// A run of binary operations as it is compiled.
    private struct OperatorRun {
        /// The first value, or the literal the operations so far folded into.
        var head: CompiledNode
        var steps: [CompiledOperation] = []
        /// The type of the value so far.
        var type: StaticType
        /// Where the value so far is in the source: its start, then the last operator applied.
        var offset: Int

        init(_ first: (node: CompiledNode, type: StaticType), offset: Int) {
            (head, type) = first
            self.offset = offset
        }

        var compiled: (node: CompiledNode, type: StaticType) { (steps.isEmpty ? head : .operators(head, steps), type) }
    }

    /// Checks `operation` with its compiled operand against the run so far and adds it,
    /// folding it into the head while everything so far is a literal.
    private func append(
        _ operation: ExpressionNode.Operation, _ operand: (node: CompiledNode, type: StaticType), to run: inout OperatorRun
    ) throws(ExpressionError) {
        let kind: CompiledOperation.Kind
        (kind, run.type) = try check(operation, left: (run.type, run.offset), right: operand)
        if run.steps.isEmpty, let a = run.head.constantValue, let b = operand.node.constantValue, let value = try? kind.apply(a, b) {
            run.head = .constant(value)
        } else {
            run.steps.append(CompiledOperation(kind: kind, operand: operand.node))
        }
        run.offset = operation.offset
    }

    /// The compiled kind and result type of one binary operation, or the error that its
    /// operand types make certain.
    private func check(
        _ operation: ExpressionNode.Operation, left: (type: StaticType, offset: Int), right: (node: CompiledNode, type: StaticType)
    ) throws(ExpressionError) -> (CompiledOperation.Kind, StaticType) {
        let op = operation.op
        let (aType, bType) = (left.type, right.type)
        let sides = [(left.offset, aType), (operation.operand.offset, bType)]
        if op.isArithmetic {
            for (offset, type) in sides where !type.mayBeNumber {
                if op == .add, type == .string {
                    throw error(offset, "'+' adds numbers; use concat() to join text")
                }
                throw error(offset, "cannot \(op.verb) \(type.article)")
            }
            if op == .divide || op == .remainder, let divisor = right.node.constantValue, divisor.number == 0 {
                throw error(operation.operand.offset, "division by zero")
            }
            return (.arithmetic(op), StaticType.arithmetic(op, aType, bType))
        }
        if op.isComparison {
            let numbers: Set<StaticType> = [.int, .double, .number]
            let mismatch =
                (aType == .bool && bType != .bool && bType != .any && bType != .null)
                || (bType == .bool && aType != .bool && aType != .any && aType != .null)
                || (aType == .timestamp && numbers.contains(bType)) || (bType == .timestamp && numbers.contains(aType))
            if mismatch { throw error(operation.offset, "cannot compare \(aType.article) with \(bType.article)") }
            return (.comparison(op), .bool)
        }
        for (offset, type) in sides where !type.mayBeBool {
            throw error(offset, "'\(op.rawValue)' needs true or false on both sides, found \(type.article)")
        }
        return (op == .and ? .and : .or, .bool)
    }

    /// `case when … then … else … end` or `if(c, a, b)`.
    private func conditional(
        _ branches: [ExpressionNode.Branch], _ otherwise: ExpressionNode
    ) throws(ExpressionError) -> (node: CompiledNode, type: StaticType) {
        var compiled: [CompiledBranch] = []
        var types: [StaticType] = []
        for branch in branches {
            let condition = try compile(branch.condition)
            try checkCondition(condition.type, at: branch.condition.offset)
            let value = try compile(branch.value)
            compiled.append(CompiledBranch(condition: condition.node, value: value.node))
            types.append(value.type)
        }
        let elseBranch = try compile(otherwise)
        return (.conditional(compiled, otherwise: elseBranch.node), StaticType.common(types + [elseBranch.type]))
    }

    private func checkCondition(_ type: StaticType, at offset: Int) throws(ExpressionError) {
        guard type.mayBeBool else { throw error(offset, "a condition must be true or false, found \(type.article)") }
    }

    /// A function call: `coalesce`, or a function of the library with its arguments checked
    /// and its implementation prepared; folded when pure and given only literals.
    private func call(
        _ name: String, _ arguments: [ExpressionNode], _ offset: Int
    ) throws(ExpressionError) -> (node: CompiledNode, type: StaticType) {
        let function = try resolve(name, argumentCount: arguments.count, offset)
        var compiled: [CompiledNode] = []
        var types: [StaticType] = []
        for (i, argument) in arguments.enumerated() {
            let (node, type) = try compile(argument)
            if let function { try checkArgument(i, of: function, name, type, at: argument.offset) }
            compiled.append(node)
            types.append(type)
        }
        guard let function else { return (.coalesce(compiled), StaticType.common(types)) }
        return try prepare(function, name, compiled, types, arguments)
    }

    /// The library function `name` (`nil` for `coalesce`, which is built in), after checking
    /// that it exists and takes `argumentCount` arguments.
    private func resolve(_ name: String, argumentCount count: Int, _ offset: Int) throws(ExpressionError) -> FunctionDefinition? {
        if name == "coalesce" {
            guard count > 0 else { throw error(offset, "coalesce() takes at least 1 argument, got 0") }
            return nil
        }
        guard let function = FunctionLibrary.functions[name] else {
            var message = "unknown function '\(name)'"
            if let suggestion = FunctionLibrary.names.first(where: { ExpressionCompiler.editDistance($0, name) <= 2 }) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw error(offset, message)
        }
        if count < function.minimumArguments || count > (function.maximumArguments ?? Int.max) {
            throw error(offset, "\(name)() takes \(function.arityText), got \(count)")
        }
        return function
    }

    private func checkArgument(
        _ i: Int, of function: FunctionDefinition, _ name: String, _ type: StaticType, at offset: Int
    ) throws(ExpressionError) {
        let kind = function.parameter(i)
        guard kind.accepts(type) else {
            throw error(offset, "argument \(i + 1) of \(name)() must be \(kind.expected), found \(type.article)")
        }
    }

    /// The compiled call of `function` over its compiled arguments.
    private func prepare(
        _ function: FunctionDefinition, _ name: String, _ compiled: [CompiledNode], _ types: [StaticType], _ arguments: [ExpressionNode]
    ) throws(ExpressionError) -> (node: CompiledNode, type: StaticType) {
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
