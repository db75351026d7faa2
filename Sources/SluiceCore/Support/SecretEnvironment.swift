/// What `${env:NAME}` references can reach: the variables of an environment that a
/// ``SecretAllowList`` allows, and nothing else.
public struct SecretEnvironment: Sendable {
    /// The names references may use; `nil` when every variable of the environment is allowed
    /// (a caller that already picked the variables, such as a test).
    public let allowList: SecretAllowList?
    /// The allowed variables only: the others are never kept.
    private let variables: [String: String]

    /// The variables of `environment` that `allowList` allows.
    public init(_ environment: [String: String], allowing allowList: SecretAllowList) {
        self.allowList = allowList
        self.variables = environment.filter { allowList.allows($0.key) }
    }

    /// Every variable of `environment`, as given.
    public init(trusting environment: [String: String]) {
        self.allowList = nil
        self.variables = environment
    }

    /// The value of `${env:name}`.
    ///
    /// A name the allow-list does not cover is refused with the same message whether or not
    /// the variable is set, so the answer never tells which variables exist.
    public func value(of name: String) throws(SpecError) -> String {
        guard SecretAllowList.isVariableName(name) else {
            throw SpecError("'\(name)' in ${env:\(name)} is not an environment variable name (letters, digits and _)")
        }
        if let allowList, !allowList.allows(name) {
            throw SpecError(
                "environment variable '\(name)' is not allowed in ${env:…}; allow it with \(SecretAllowList.variable) (now: \(allowList))")
        }
        guard let value = variables[name] else {
            throw SpecError("environment variable '\(name)' referenced by ${env:\(name)} is not set")
        }
        return value
    }

    /// Every value a reference could resolve to, for scrubbing text that no job owns (the log).
    public var values: SecretValues { SecretValues(variables.values) }
}
