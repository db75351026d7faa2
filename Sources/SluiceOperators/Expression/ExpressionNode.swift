import SluiceCore

/// The syntax tree of an expression, as parsed; every node keeps its 0-based character offset
/// for error messages.
indirect enum ExpressionNode: Sendable {
    case literal(Value, offset: Int)
    case field(FieldPath, offset: Int)
    case unary(UnaryOperator, ExpressionNode, offset: Int)
    /// A run of binary operators, `first op₁ x₁ op₂ x₂ …`, meaning `((first op₁ x₁) op₂ x₂) …`:
    /// every binary operator associates to the left, so a run is a left fold, kept as a list
    /// so that `a + b + c + …` nests no deeper however long it is.
    case operators(ExpressionNode, [Operation])
    /// `if(c, a, b)` and `case when c1 then v1 … else v end`: the first true condition picks its value.
    case conditional(branches: [Branch], otherwise: ExpressionNode, offset: Int)
    case call(name: String, arguments: [ExpressionNode], offset: Int)

    /// One step of a run of binary operators: the operator (at `offset`) and its right operand.
    struct Operation: Sendable {
        let op: BinaryOperator
        let operand: ExpressionNode
        let offset: Int
    }

    /// One `when … then …` (or the condition and value of `if`).
    struct Branch: Sendable {
        let condition: ExpressionNode
        let value: ExpressionNode
    }

    /// Where the node is in the source (0-based characters): where it starts, or for a run of
    /// binary operators, its last operator (the one applied last).
    var offset: Int {
        switch self {
        case .literal(_, let offset), .field(_, let offset), .unary(_, _, let offset), .conditional(_, _, let offset),
            .call(_, _, let offset):
            return offset
        case .operators(let first, let operations):
            return operations.last?.offset ?? first.offset
        }
    }
}

/// A prefix operator.
enum UnaryOperator: String, Sendable {
    case negate = "-"
    case not = "!"
}

/// An infix operator.
enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and = "&&", or = "||"

    /// Binding strength: higher binds tighter.
    var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual: return 3
        case .less, .lessOrEqual, .greater, .greaterOrEqual: return 4
        case .add, .subtract: return 5
        case .multiply, .divide, .remainder: return 6
        }
    }

    var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .remainder: return true
        default: return false
        }
    }

    var isComparison: Bool { precedence == 3 || precedence == 4 }

    /// The verb used in messages (`cannot multiply a string`).
    var verb: String {
        switch self {
        case .add: return "add"
        case .subtract: return "subtract"
        case .multiply: return "multiply"
        case .divide: return "divide"
        case .remainder: return "take the remainder of"
        default: return "compare"
        }
    }
}

/// A field reference: a first name followed by `.key` and `[index]` steps.
///
/// `address.city` resolves first as a field literally called `address.city`, then as the
/// `city` key of the object in field `address` (see ``FieldResolution``).
struct FieldPath: Sendable, Equatable, Hashable {
    enum Step: Sendable, Equatable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The first name, then the steps.
    let steps: [Step]

    /// The dotted names a batch field could have for this path, longest first
    /// (`a.b.c`, `a.b`, `a`), with how many steps each covers.
    var candidateFields: [(name: String, steps: Int)] {
        var names: [(String, Int)] = []
        var current = ""
        for (i, step) in steps.enumerated() {
            guard case .key(let key) = step else { break }
            current = i == 0 ? key : current + "." + key
            names.append((current, i + 1))
        }
        return names.reversed()
    }

    /// How the path reads in messages.
    var display: String {
        var text = ""
        for (i, step) in steps.enumerated() {
            switch step {
            case .key(let k): text += i == 0 ? k : "." + k
            case .index(let n): text += "[\(n)]"
            }
        }
        return text
    }
}
