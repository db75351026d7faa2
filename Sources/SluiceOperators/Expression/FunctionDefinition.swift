import SluiceCore

/// What a function's implementation may use besides its arguments.
struct EvaluationContext: Sendable {
    /// The run's start time, the value of `now()` for every row of the run.
    let now: Timestamp
}

/// A function of the expression language: its name, arity, parameter kinds, result type
/// and implementation.
struct FunctionDefinition: Sendable {
    /// Computes one row's result from its arguments.
    typealias Implementation = @Sendable ([Value], EvaluationContext) throws(RowFailure) -> Value
    /// Builds the implementation once per expression, given the arguments that are literals
    /// (`nil` for the others), so a literal regex or format is checked and prepared once.
    /// Throws the index of the bad argument and the reason.
    typealias Preparation = @Sendable ([Value?]) throws(SetupFailure) -> Implementation

    /// A literal argument that can never work (`regex_match(s, '(')`).
    struct SetupFailure: Error, Sendable {
        let argument: Int
        let reason: String
    }

    let name: String
    let minimumArguments: Int
    /// `nil` when any number of arguments is allowed.
    let maximumArguments: Int?
    /// Parameter kinds; arguments past the end use the last one.
    let parameters: [ParameterKind]
    /// Whether a null argument makes the result null without calling the implementation.
    let nullPropagating: Bool
    /// Whether the result depends only on the arguments (so literal calls can be folded).
    let pure: Bool
    /// The result type, given the argument types.
    let result: @Sendable ([StaticType]) -> StaticType
    let prepare: Preparation

    init(
        _ name: String, arguments: ClosedRange<Int>, variadic: Bool = false, parameters: [ParameterKind],
        nullPropagating: Bool = true, pure: Bool = true, result: @escaping @Sendable ([StaticType]) -> StaticType,
        prepare: @escaping Preparation
    ) {
        self.name = name
        minimumArguments = arguments.lowerBound
        maximumArguments = variadic ? nil : arguments.upperBound
        self.parameters = parameters
        self.nullPropagating = nullPropagating
        self.pure = pure
        self.result = result
        self.prepare = prepare
    }

    /// A function whose implementation needs no preparation.
    init(
        _ name: String, arguments: ClosedRange<Int>, variadic: Bool = false, parameters: [ParameterKind],
        nullPropagating: Bool = true, pure: Bool = true, returns: StaticType, _ implementation: @escaping Implementation
    ) {
        self.init(
            name, arguments: arguments, variadic: variadic, parameters: parameters, nullPropagating: nullPropagating, pure: pure,
            result: { _ in returns }, prepare: { _ in implementation })
    }

    /// The kind of parameter `index`.
    func parameter(_ index: Int) -> ParameterKind {
        parameters.isEmpty ? .any : parameters[min(index, parameters.count - 1)]
    }

    /// The accepted argument counts, for messages (`1 or 2 arguments`).
    var arityText: String {
        guard let maximumArguments else { return "at least \(minimumArguments) argument\(minimumArguments == 1 ? "" : "s")" }
        if minimumArguments == maximumArguments {
            return "\(minimumArguments) argument\(minimumArguments == 1 ? "" : "s")"
        }
        if maximumArguments == minimumArguments + 1 { return "\(minimumArguments) or \(maximumArguments) arguments" }
        return "\(minimumArguments) to \(maximumArguments) arguments"
    }
}
