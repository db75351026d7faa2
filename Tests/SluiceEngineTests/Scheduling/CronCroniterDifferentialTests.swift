import SluiceTestSupport
import Foundation
import SluiceCore
import Testing

@testable import SluiceEngine

/// Compares ``CronExpression/next(after:in:)`` with python's `croniter` (the oracle CI
/// installs with `pip install croniter`). The test fails, not skips, when it is missing.
@Suite("CronExpression against croniter")
struct CronCroniterDifferentialTests {
    static let expressions = [
        // The seed's schedules and the presets.
        "0 2 * * *", "0 * * * *", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
        // Wildcards, lists, ranges and steps.
        "* * * * *", "*/5 * * * *", "*/7 * * * *", "5/15 * * * *", "10-50/15 * * * *", "1-59/2 * * * *",
        "0,30 9-17 * * 1-5", "23 0-20/2 * * *", "30 */6 * * *", "0 9-17/2 * * 1-5", "*/20 10 * * *",
        "*/15 0-4,8-12 * * *", "15 14 1 * *", "0 22 * * 1-5", "0 0,12 1 */2 *", "0 4 8-14 * *", "0 0 1-31/3 * *",
        "0 6 */10 * *", "59 23 31 12 *", "0 0 31 * *", "0 0 30 * *", "0 0 29 * *", "45 23 28-31 * *",
        "0 0 31 1,3,5 *",
        // Names, in any case, and Sunday as 0 or 7.
        "0 9 * * MON-FRI", "30 8 * * sun", "0 0 * * 7", "0 0 * * 0,7", "0 12 * * 1-7", "0 0 * JAN,jul *",
        "0 0 1 jan-mar,oct-dec *", "0 0 * * SAT,SUN", "5 4 * * Sun", "0 0 * * */2", "0 0 * * 1/2", "0 0 * * 5-7",
        // Leap days.
        "0 0 29 2 *", "0 12 29 FEB *", "30 6 28,29 2 *",
        // Day-of-month and day-of-week both restricted: either matches.
        "0 0 13 * 5", "0 0 13 * FRI", "0 0 1,15 * 1", "0 0 1-7 * 1", "0 8 15 * MON", "0 0 1 * 1-5",
        "0 0 */2 * 1", "0 0 1,15 * 3", "7 7 7 7 7", "0 0 29 2 1", "0 0 31 * 0", "0 0 */1 * 1", "0 0 1 * */1",
        "12 3 * 2 4",
    ]

    static let starts = ["2024-01-15T10:17:42Z", "2024-02-28T23:59:00Z", "2023-12-31T23:59:59.5Z"]

    static let oracle = #"""
        import sys
        from datetime import datetime, timezone
        try:
            from croniter import croniter
        except ImportError:
            sys.exit("the croniter oracle is missing: run `pip install croniter`")
        count = int(sys.argv[1])
        starts = [float(s) for s in sys.argv[2:]]
        for line in sys.stdin:
            expr = line.rstrip("\n")
            out = []
            for start in starts:
                it = croniter(expr, datetime.fromtimestamp(start, tz=timezone.utc))
                out.extend(str(int(it.get_next(float))) for _ in range(count))
            print(" ".join(out))
        """#

    /// croniter's answers: per expression, `count` epoch seconds per start, starts in order.
    func croniterTimes(count: Int, starts: [Timestamp]) throws -> [[Int64]] {
        let data = try Python.run(
            Self.oracle, arguments: [String(count)] + starts.map { String(Double($0.microseconds) / 1_000_000) },
            input: Self.expressions.joined(separator: "\n") + "\n")
        return data.split(separator: "\n").map { line in
            line.split(separator: " ").compactMap { Int64($0) }
        }
    }

    @Test func next20FireTimesMatchCroniter() throws {
        let count = 20
        let starts = try Self.starts.map { try #require(Timestamp(iso8601: $0)) }
        let expected = try croniterTimes(count: count, starts: starts)
        try #require(expected.count == Self.expressions.count)
        var compared = 0
        for (index, text) in Self.expressions.enumerated() {
            let expression = try CronExpression(text)
            var ours: [Int64] = []
            for start in starts {
                ours += expression.next(count, after: start).map { $0.microseconds / 1_000_000 }
            }
            #expect(ours.count == count * starts.count, "\(text)")
            #expect(ours == expected[index], "\(text): first difference at \(Array(zip(ours, expected[index])).firstIndex { $0 != $1 } ?? -1)")
            compared += ours.count
        }
        #expect(compared == Self.expressions.count * count * starts.count)
    }
}
