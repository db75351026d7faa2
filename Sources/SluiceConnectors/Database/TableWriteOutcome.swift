import SluiceCore

/// What writing some rows to a database table came to: the bytes written and the rows the
/// database refused.
struct TableWriteOutcome {
    /// The bytes of the rows written.
    var bytes = 0
    /// The rows the database refused, each with its reason.
    var rejected: [Rejection] = []

    /// Adds what another write came to.
    static func += (outcome: inout TableWriteOutcome, other: TableWriteOutcome) {
        outcome.bytes += other.bytes
        outcome.rejected += other.rejected
    }
}
