/// Why the scheduler refused a request.
public enum SchedulerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A schedule with this id is already registered.
    case duplicateSchedule(String)
    /// No schedule has this id.
    case unknownSchedule(String)
    /// `scheduleId` depends on a schedule that does not exist.
    case unknownDependency(scheduleId: String, dependency: String)
    /// The dependencies would form this cycle (first id repeated at the end).
    case dependencyCycle([String])
    /// The schedule cannot be removed while these schedules depend on it.
    case hasDependents(scheduleId: String, dependents: [String])
    /// A setting is out of range.
    case invalidSetting(scheduleId: String, field: String, reason: String)
    /// The scheduler is not started, or is shutting down.
    case notRunning

    /// A message that says what to change.
    public var description: String {
        switch self {
        case .duplicateSchedule(let id):
            return "schedule '\(id)' already exists; update it instead"
        case .unknownSchedule(let id):
            return "no schedule '\(id)'"
        case .unknownDependency(let id, let dependency):
            return "schedule '\(id)' depends on '\(dependency)', which does not exist"
        case .dependencyCycle(let cycle):
            return "dependsOn would form a cycle: \(cycle.joined(separator: " -> "))"
        case .hasDependents(let id, let dependents):
            return "schedule '\(id)' is a dependency of \(dependents.map { "'\($0)'" }.joined(separator: ", ")); remove those first"
        case .invalidSetting(let id, let field, let reason):
            return "schedule '\(id)': \(field) \(reason)"
        case .notRunning:
            return "the scheduler is not running"
        }
    }
}
