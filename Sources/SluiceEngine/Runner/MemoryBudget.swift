/// A job exceeded `MAX_MEMORY_MB`: it fails with this message, the process goes on.
public struct MemoryLimitExceeded: Error, Sendable, CustomStringConvertible {
    /// The limit in MB.
    public let limitMB: Int
    /// The step that holds the memory (`transforms[2] (aggregate)`).
    public let operation: String
    /// What it would hold, in bytes.
    public let bytes: Int

    public var description: String {
        "\(operation) would hold about \(bytes >> 20) MB, over the memory limit of \(limitMB) MB (MAX_MEMORY_MB); "
            + "raise MAX_MEMORY_MB or reduce the number of groups / the lookup data"
    }
}

/// Tracks what a run's stateful steps and lookup data sets hold against the limit.
struct MemoryBudget {
    let limitBytes: Int
    private var held: [String: Int] = [:]

    init(limitBytes: Int) { self.limitBytes = limitBytes }

    /// Records that `operation` now holds `bytes`; throws when the total goes over the limit.
    mutating func set(_ bytes: Int, for operation: String) throws {
        held[operation] = bytes
        let total = held.values.reduce(0, +)
        if total > limitBytes {
            throw MemoryLimitExceeded(limitMB: limitBytes >> 20, operation: operation, bytes: bytes)
        }
    }

    /// The most the run held at once, in bytes.
    private(set) var peak = 0

    mutating func notePeak() { peak = max(peak, held.values.reduce(0, +)) }
}
