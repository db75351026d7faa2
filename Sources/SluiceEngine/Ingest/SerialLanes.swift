import Synchronization

/// Runs work one at a time per key, in arrival order; work under different keys runs at once.
///
/// Ingest runs into the same target take turns here: a file target, appending included,
/// writes a new file and renames it over the old one, so two runs at once would each start
/// from the same old file and the second rename would drop the first run's records.
final class SerialLanes: Sendable {
    /// The waiting callers of each busy key, first come first served; a key is busy while present.
    private let lanes = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    /// Runs `body` once no other work under `key` is running or waiting before it.
    func run<T>(_ key: String, _ body: () async throws -> T) async throws -> T {
        await enter(key)
        defer { leave(key) }
        return try await body()
    }

    private func enter(_ key: String) async {
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let free = lanes.withLock { lanes in
                guard var waiting = lanes[key] else {
                    lanes[key] = []
                    return true
                }
                waiting.append(turn)
                lanes[key] = waiting
                return false
            }
            if free { turn.resume() }
        }
    }

    private func leave(_ key: String) {
        let next = lanes.withLock { lanes -> CheckedContinuation<Void, Never>? in
            guard var waiting = lanes[key], !waiting.isEmpty else {
                lanes[key] = nil
                return nil
            }
            let first = waiting.removeFirst()
            lanes[key] = waiting
            return first
        }
        next?.resume()
    }
}
