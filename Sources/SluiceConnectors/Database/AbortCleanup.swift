/// Runs the clean-up of an aborted database write (the rollback, dropping a table the write
/// created) so that it always ends, and ends properly:
///
/// - to its end even when the job's task was cancelled (a schedule's timeout, a shutdown):
///   the work runs in a task of its own, which that cancellation does not reach, so the
///   statements are really sent and the connection can go back to the pool clean;
/// - with a server, for at most ``limit``: a server that stopped answering without closing
///   the connection must not hold the job, and its pooled connection, forever. Past the
///   limit `giveUp` runs, which closes the connection: the server then rolls the transaction
///   back itself, and the work's pending statement fails at once.
enum AbortCleanup {
    /// How long the clean-up may take before the connection is closed instead.
    static let limit = Duration.seconds(30)

    /// Runs `work` (which returns whether the connection is fit for reuse) to its end, in a
    /// task the caller's cancellation does not reach (a local database file, whose calls
    /// cannot hang on a network); returns what `work` returned.
    static func run(_ work: @escaping @Sendable () async -> Bool) async -> Bool {
        await Task { await work() }.value
    }

    /// Runs `work` (which returns whether the connection is fit for reuse), giving up after
    /// `limit` with `giveUp`; returns what `work` returned, or `false` when it was given up.
    static func run(
        limit: Duration = limit, _ work: @escaping @Sendable () async -> Bool, giveUp: @escaping @Sendable () async -> Void
    ) async -> Bool {
        await Task {
            await withTaskGroup(of: Bool?.self) { group in
                group.addTask { await work() }
                group.addTask {
                    // Returns early, with nil too, once the work is done and the group cancels it.
                    try? await Task.sleep(for: limit)
                    return nil
                }
                var result: Bool?
                var gaveUp = false
                while let next = await group.next() {
                    if let done = next {
                        result = done
                        group.cancelAll()
                    } else if result == nil, !gaveUp {
                        gaveUp = true
                        await giveUp()
                    }
                }
                return !gaveUp && result == true
            }
        }.value
    }
}
