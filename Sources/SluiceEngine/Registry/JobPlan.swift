import SluiceCore
import SluiceOperators

/// A job spec resolved into configured components, checked before anything runs.
public struct JobPlan: Sendable {
    /// The spec as submitted (secrets unresolved).
    public let spec: JobSpec
    /// The source.
    public let source: any Source
    /// Schema validation, when the job has a schema.
    public let validator: SchemaValidator?
    /// The transforms, in order, with their spec names.
    public let transforms: [Step]
    /// The target.
    public let target: any Target

    /// One transform of the plan.
    public struct Step: Sendable {
        /// `transforms[i]`.
        public let path: String
        /// The spec's operation name.
        public let operation: String
        /// The spec's informational `field`.
        public let field: String?
        /// The configured transform.
        public let transform: PlannedTransform
    }
}

/// Why a spec cannot run: every problem found, and whether one is a forbidden path.
public struct JobPlanError: Error, Sendable, CustomStringConvertible {
    /// The problems, in document order.
    public var errors: [SpecError]
    /// Whether a problem is a file path outside the data roots (HTTP 403 rather than 400).
    public var forbidden: Bool

    public init(errors: [SpecError], forbidden: Bool = false) {
        self.errors = errors
        self.forbidden = forbidden
    }

    public var description: String { errors.map(\.message).joined(separator: "\n") }
}
