/// What one run of a fuzz entry point found: a short account of what the input did and
/// every broken property.
///
/// An entry point never traps on a broken property itself, so tests can feed saved inputs
/// through it and report every violation; the libFuzzer executables trap on the first
/// non-empty ``violations`` so the fuzzer saves the input (see ``FuzzReport/trapOnViolation()``).
public struct FuzzReport: Sendable, Equatable, CustomStringConvertible {
    /// What happened to the input, such as `parsed array`, `rejected: invalid JSON at byte 3: …`
    /// or `3 records, 1 rejection`. Stable for a given input, so tests can pin it.
    public var outcome: String
    /// Every property the input broke, each a sentence naming the property and the values.
    public var violations: [String]

    /// A report with `outcome` and no violations yet.
    public init(outcome: String = "", violations: [String] = []) {
        self.outcome = outcome
        self.violations = violations
    }

    /// Records a violation of `property` when `holds` is false.
    mutating func check(_ holds: Bool, _ property: @autoclosure () -> String) {
        if !holds { violations.append(property()) }
    }

    /// Adds every violation of `other`, prefixed with `context`.
    mutating func absorb(_ other: FuzzReport, context: String) {
        violations += other.violations.map { "\(context): \($0)" }
    }

    public var description: String {
        violations.isEmpty ? outcome : "\(outcome)\n" + violations.map { "violation: \($0)" }.joined(separator: "\n")
    }

    /// Stops the process with the violations when there are any: what a libFuzzer target
    /// calls so that a broken property counts as a crash and its input is saved.
    public func trapOnViolation() {
        guard violations.isEmpty else { fatalError("fuzz property violated:\n\(description)") }
    }
}
