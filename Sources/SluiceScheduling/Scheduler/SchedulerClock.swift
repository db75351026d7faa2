import SluiceCore

/// The scheduler's source of wall-clock time and of waiting, injected so tests can drive
/// time by hand instead of sleeping.
public protocol SchedulerClock: Sendable {
    /// The current wall-clock time.
    func now() -> Timestamp
    /// Suspends until `now() >= deadline`; returns at once if it already is. Throws
    /// `CancellationError` when the calling task is cancelled while waiting.
    func sleep(until deadline: Timestamp) async throws
}
