import SluiceCore

/// An expression ready to run: functions resolved and prepared, literal sub-expressions
/// folded, every check done. Built once per expression and shared by every batch.
indirect enum CompiledNode: Sendable {
    case constant(Value)
    case field(FieldPath)
    case negate(CompiledNode)
    case not(CompiledNode)
    /// A run of binary operations applied left to right to the first value.
    case operators(CompiledNode, [CompiledOperation])
    /// The value of the first branch whose condition is true, else `otherwise`.
    case conditional([CompiledBranch], otherwise: CompiledNode)
    /// The first non-null argument.
    case coalesce([CompiledNode])
    case call(CompiledCall, [CompiledNode])

    /// The literal value, when this node is one.
    var constantValue: Value? {
        if case .constant(let v) = self { return v }
        return nil
    }

    /// Every field path read, in first-seen order.
    func collectFields(into paths: inout [FieldPath]) {
        switch self {
        case .constant: break
        case .field(let path): if !paths.contains(path) { paths.append(path) }
        case .negate(let x), .not(let x): x.collectFields(into: &paths)
        case .operators(let first, let steps):
            first.collectFields(into: &paths)
            for step in steps { step.operand.collectFields(into: &paths) }
        case .conditional(let branches, let otherwise):
            for branch in branches {
                branch.condition.collectFields(into: &paths)
                branch.value.collectFields(into: &paths)
            }
            otherwise.collectFields(into: &paths)
        case .coalesce(let items), .call(_, let items):
            for item in items { item.collectFields(into: &paths) }
        }
    }
}

/// One step of a compiled run of binary operators: the operation and its right operand.
struct CompiledOperation: Sendable {
    /// What the step does with the value so far and its operand.
    enum Kind: Sendable {
        case arithmetic(BinaryOperator)
        case comparison(BinaryOperator)
        case and
        case or

        /// The result for one row's values (for folding literals).
        func apply(_ a: Value, _ b: Value) throws(RowFailure) -> Value {
            switch self {
            case .arithmetic(let op): return try ScalarOperators.arithmetic(op, a, b)
            case .comparison(let op): return try ScalarOperators.comparison(op, a, b)
            case .and: return try ScalarOperators.and(a) { b }
            case .or: return try ScalarOperators.or(a) { b }
            }
        }
    }

    let kind: Kind
    let operand: CompiledNode
}

/// One `when … then …` of a compiled conditional.
struct CompiledBranch: Sendable {
    let condition: CompiledNode
    let value: CompiledNode
}

/// A resolved function with its prepared implementation.
struct CompiledCall: Sendable {
    let name: String
    let nullPropagating: Bool
    let implementation: FunctionDefinition.Implementation

    /// One row's result; a null argument gives null without a call when the function propagates nulls.
    @inline(__always)
    func callAsFunction(_ arguments: [Value], _ context: EvaluationContext) throws(RowFailure) -> Value {
        if nullPropagating, arguments.contains(where: \.isNull) { return .null }
        return try implementation(arguments, context)
    }
}
