/// Persistence of the dead-letter queue.
public protocol DeadLetterStore: Sendable {
    /// Stores `letters` all together or not at all; ids are assigned in order.
    func addDeadLetters(_ letters: [NewDeadLetter]) async throws
    /// The dead letters of `jobId` (all of them when `nil`), by id.
    func deadLetters(jobId: String?) async throws -> [DeadLetter]
    /// The number of dead letters of all jobs.
    func deadLetterCount() async throws -> Int
    /// Removes the dead letters with these ids (unknown ids are ignored), e.g. after a successful retry.
    func removeDeadLetters(ids: [Int64]) async throws
    /// Records a failed retry of the dead letter `id`: its new error, stage and time.
    /// Throws ``StateStoreError/deadLetterNotFound(id:)`` when there is no such letter.
    func updateDeadLetter(id: Int64, error: String, stage: String, timestamp: Int64) async throws
}
