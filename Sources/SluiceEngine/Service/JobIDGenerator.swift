import Synchronization

/// Issues `job_<millis>` ids, never the same one twice in a process: when two
/// jobs arrive in the same millisecond the later one takes the next free millisecond.
final class JobIDGenerator: Sendable {
    private let last = Mutex<Int64>(0)

    func next(now: Int64) -> String {
        let value = last.withLock { last -> Int64 in
            last = max(now, last + 1)
            return last
        }
        return "job_\(value)"
    }
}
