import SluiceCore

/// A ``ScheduleRunRecorder`` that keeps everything in memory: for tests and for runs without
/// a state store.
actor InMemoryRunRecorder: ScheduleRunRecorder {
    /// Every record, in the order first saved, each in its latest state.
    private(set) var runs: [RunRecord]
    /// The last fire time of each schedule.
    private(set) var lastFireTimes: [String: Timestamp]
    private var positions: [String: Int] = [:]

    /// A recorder holding `runs` and `lastFireTimes` (as a previous process left them).
    init(runs: [RunRecord] = [], lastFireTimes: [String: Timestamp] = [:]) {
        var kept: [RunRecord] = []
        var positions: [String: Int] = [:]
        for run in runs {
            if let index = positions[run.id] {
                kept[index] = run
            } else {
                positions[run.id] = kept.count
                kept.append(run)
            }
        }
        self.runs = kept
        self.positions = positions
        self.lastFireTimes = lastFireTimes
    }

    /// Inserts or replaces `run`.
    func save(_ run: RunRecord) {
        insertOrReplace(run)
    }

    /// Remembers the last fire time.
    func saveLastFireTime(_ time: Timestamp, scheduleId: String) {
        lastFireTimes[scheduleId] = time
    }

    /// Records that are queued or running.
    func unfinishedRuns() -> [RunRecord] {
        runs.filter { !$0.status.isFinished }
    }

    /// The records of `scheduleId`, in the order first saved.
    func runs(of scheduleId: String) -> [RunRecord] {
        runs.filter { $0.scheduleId == scheduleId }
    }

    private func insertOrReplace(_ run: RunRecord) {
        if let index = positions[run.id] {
            runs[index] = run
        } else {
            positions[run.id] = runs.count
            runs.append(run)
        }
    }
}
