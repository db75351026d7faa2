import Logging
import SluiceCore

/// Hands the scheduler's writes to the recorder from one task, in the order they were made.
///
/// The scheduler actor never awaits the store: it enqueues writes synchronously, which keeps
/// its methods free of suspension points (so no state can change half-way through one) and
/// guarantees a record's states reach the store in order.
struct RunWriter: Sendable {
    enum Write: Sendable {
        case run(RunRecord)
        case lastFireTime(String, Timestamp)
        case barrier(CheckedContinuation<Void, Never>)
    }

    private let continuation: AsyncStream<Write>.Continuation
    /// The task draining the writes; it ends after ``finish()``.
    let task: Task<Void, Never>

    init(recorder: any ScheduleRunRecorder, logger: Logger) {
        let (stream, continuation) = AsyncStream<Write>.makeStream()
        self.continuation = continuation
        task = Task {
            for await write in stream {
                do {
                    switch write {
                    case .run(let run): try await recorder.save(run)
                    case .lastFireTime(let id, let time): try await recorder.saveLastFireTime(time, scheduleId: id)
                    case .barrier(let waiter): waiter.resume()
                    }
                } catch {
                    logger.error("scheduler could not persist a write", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Queues `run` to be saved.
    func save(_ run: RunRecord) {
        continuation.yield(.run(run))
    }

    /// Queues a last fire time to be saved.
    func saveLastFireTime(_ time: Timestamp, scheduleId: String) {
        continuation.yield(.lastFireTime(scheduleId, time))
    }

    /// Returns once every write queued before the call has been handed to the recorder.
    func flush() async {
        await withCheckedContinuation { waiter in
            if case .terminated = continuation.yield(.barrier(waiter)) { waiter.resume() }
        }
    }

    /// Stops accepting writes; the task ends after the queued ones.
    func finish() {
        continuation.finish()
    }
}
