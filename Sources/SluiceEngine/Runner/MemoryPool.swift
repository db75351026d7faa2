import Synchronization

/// The server-wide memory that jobs' budgets come from (`SLUICE_MAX_MEMORY_MB`), so jobs
/// running at once never hold more between them than the server was given.
///
/// A run asks for its `MAX_MEMORY_MB`; it gets that much when the pool has it, or what is
/// left when that is at least ``minimumGrant`` (it then spills sooner), or it waits until a
/// running job gives memory back or it is cancelled.
public final class MemoryPool: Sendable {
    /// The pool's size in bytes.
    public let limitBytes: Int
    private let state = Mutex(Grants())

    private struct Grants: ~Copyable {
        var granted = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The smallest budget a run starts with (or its whole request, when that is smaller).
    public static let minimumGrant = 64 << 20

    /// A pool of `limitBytes`.
    public init(limitBytes: Int) {
        self.limitBytes = max(limitBytes, Self.minimumGrant)
    }

    /// Bytes granted to runs now: what the process's resident memory above its base may be.
    public var grantedBytes: Int { state.withLock { $0.granted } }

    /// Takes up to `bytes` from the pool, waiting while less than the minimum is left.
    /// Returns what was granted; give it back with ``release(_:)``. Throws
    /// `CancellationError` when the waiting task is cancelled (a job's timeout or shutdown).
    public func reserve(_ bytes: Int) async throws -> Int {
        let wanted = min(max(bytes, 1), limitBytes)
        let least = min(wanted, Self.minimumGrant)
        while true {
            try Task.checkCancellation()
            let granted: Int? = state.withLock { grants in
                guard limitBytes - grants.granted >= least else { return nil }
                let granted = min(wanted, limitBytes - grants.granted)
                grants.granted += granted
                return granted
            }
            if let granted { return granted }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { grants in
                        // Memory may have come back, or the task been cancelled, since the check above.
                        if limitBytes - grants.granted >= least || Task.isCancelled { return true }
                        grants.waiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                wakeAll()
            }
        }
    }

    /// Resumes every waiting run, which then checks again (or notices its cancellation).
    private func wakeAll() {
        let woken = state.withLock { grants in
            let woken = grants.waiters
            grants.waiters.removeAll()
            return woken
        }
        for waiter in woken { waiter.resume() }
    }

    /// Gives back what ``reserve(_:)`` granted, and wakes runs waiting for memory.
    public func release(_ bytes: Int) {
        state.withLock { $0.granted = max(0, $0.granted - bytes) }
        wakeAll()
    }
}
