import SluiceCore
import Synchronization

@testable import SluiceScheduling

/// A clock that moves only when a test says so. Sleepers wake, in deadline order, when
/// `advance(to:)` reaches their deadline; cancelling a sleeper wakes it with an error.
final class ManualClock: SchedulerClock {
    private struct Sleeper {
        let deadline: Timestamp
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Timestamp
        var sleepers: [Int: Sleeper] = [:]
        var nextID = 0
        var cancelledEarly: Set<Int> = []
    }

    private let state: Mutex<State>

    init(now: Timestamp) {
        state = Mutex(State(now: now))
    }

    func now() -> Timestamp {
        state.withLock { $0.now }
    }

    /// The deadlines of the tasks sleeping now, earliest first.
    var deadlines: [Timestamp] {
        state.withLock { $0.sleepers.values.map(\.deadline).sorted() }
    }

    func sleep(until deadline: Timestamp) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelledEarly.remove(id) != nil { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                if let sleeper = state.sleepers.removeValue(forKey: id) { return sleeper }
                state.cancelledEarly.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Sets the time to `time` and wakes every sleeper whose deadline has come.
    func advance(to time: Timestamp) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = time
            let due = state.sleepers.filter { $0.value.deadline <= time }.sorted {
                ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key)
            }
            for (id, _) in due { state.sleepers[id] = nil }
            return due.map(\.value.continuation)
        }
        for continuation in woken { continuation.resume() }
    }
}
