import SluiceCore

/// An expression ready to run: functions resolved and prepared, literal sub-expressions
/// folded, every check done. Built once per expression and shared by every batch.
indirect enum CompiledNode: Sendable {
    case constant(Value)
    case field(FieldPath)
    case negate(CompiledNode)
    case not(CompiledNode)
    case arithmetic(BinaryOperator, CompiledNode, CompiledNode)
    case comparison(BinaryOperator, CompiledNode, CompiledNode)
    case and(CompiledNode, CompiledNode)
    case or(CompiledNode, CompiledNode)
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
        case .arithmetic(_, let a, let b), .comparison(_, let a, let b), .and(let a, let b), .or(let a, let b):
            a.collectFields(into: &paths)
            b.collectFields(into: &paths)
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
