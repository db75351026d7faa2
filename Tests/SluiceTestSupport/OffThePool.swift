import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` on a thread of its own, outside Swift's cooperative thread pool, and resumes
/// the awaiting task with what it returned or threw.
///
/// For the blocking work of async tests: waiting for a child process, reading a pipe to its
/// end, a blocking `read`. Done on a cooperative thread, such work holds one of the pool's
/// few threads (one per core) for as long as it blocks; two at once on a 2-core machine and
/// every other async test in the process is frozen until one of them returns. Here the
/// caller's task is suspended (a checked continuation) and its thread goes back to the pool.
///
/// Each call gets a new `Thread` rather than a dispatch queue: the threads of a concurrent
/// dispatch queue come from libdispatch's own pool, which is not meant for blocking work
/// either and may be capped near the core count. The thread lives only as long as `body` runs.
///
/// Not cancellable: once started, `body` runs to its end (its caller then resumes). Errors are
/// rethrown as they are, with their type (`E` is `Never` for a body that does not throw).
public func offThePool<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let result: Result<T, E> = await withCheckedContinuation { continuation in
        let thread = Thread {
            continuation.resume(returning: Result { () throws(E) -> T in try body() })
        }
        thread.name = "sluice-test-off-the-pool"
        thread.start()
    }
    return try result.get()
}

extension Process {
    /// Waits for the process to end, like `waitUntilExit()`, but on a thread outside the
    /// cooperative pool (see ``offThePool(_:)``).
    public func exited() async {
        await offThePool { self.waitUntilExit() }
    }

    /// Sends SIGKILL and waits for the process to end (see ``exited()``); nothing when it
    /// has already ended.
    ///
    /// SIGKILL rather than SIGTERM: a test process may have SIGTERM ignored (service-lifecycle
    /// does that), and children inherit ignored signals.
    public func killAndWait() async {
        guard isRunning else { return }
        kill(processIdentifier, SIGKILL)
        await exited()
    }
}

extension FileHandle {
    /// The bytes up to the first newline (without it), or up to the end of the file when no
    /// newline comes; read a byte at a time, so nothing after the newline is consumed. The
    /// blocking reads run outside the cooperative pool (see ``offThePool(_:)``).
    ///
    /// For helper servers that print their port as their first line.
    public func firstLine() async throws -> Data {
        try await offThePool {
            var line = Data()
            while let byte = try self.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
            return line
        }
    }
}
