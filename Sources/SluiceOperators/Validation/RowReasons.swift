/// The reasons collected for each row of one batch, in the order they were found.
///
/// Most rows of most batches are valid, so a row's list stays the shared empty array until
/// its first reason arrives.
struct RowReasons {
    /// Per-row reasons.
    private(set) var reasons: [[String]]
    /// Whether any row has a reason.
    private(set) var anyFailed = false

    init(count: Int) {
        reasons = Array(repeating: [], count: count)
    }

    /// Records `reason` against `row`.
    mutating func add(_ reason: String, row: Int) {
        reasons[row].append(reason)
        anyFailed = true
    }

    /// Whether `row` has at least one reason.
    func failed(_ row: Int) -> Bool { !reasons[row].isEmpty }
}
