/// A first-come, first-served lock for async code, with a closed state.
///
/// Statements on one SQLite connection are serialized by sqlite-nio already, but a
/// transaction is several statements: without this gate another task's statement could
/// run inside it (and be rolled back with it), or its `BEGIN` could fail because one is
/// already open. Every store operation therefore holds the gate while it talks to SQLite.
actor StoreGate {
    private var busy = false
    private var closed = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Waits until the caller has exclusive use; returns `false` (without holding the gate)
    /// once the store is closed.
    func enter() async -> Bool {
        if busy {
            // `leave()` hands the gate straight to the first waiter, so `busy` stays set.
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
        if closed {
            leave()
            return false
        }
        return true
    }

    /// Releases the gate to the next waiter, if any.
    func leave() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Makes every later `enter()` fail; the caller must hold the gate.
    func markClosed() {
        closed = true
    }
}
