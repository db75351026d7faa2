import SluiceCore

/// Running and moving aggregates of a `window` step: `sum`, `avg`, `count`, `min`, `max`
/// over a ROWS frame that ends at the current row.
///
/// Without a frame size the frame starts at the partition start (SQL's `ROWS BETWEEN
/// UNBOUNDED PRECEDING AND CURRENT ROW`); with `frame: n` it holds the last `n` rows
/// (`ROWS BETWEEN n - 1 PRECEDING AND CURRENT ROW`). Each row is added once and, in a moving
/// frame, removed once, so every function is linear in the partition size: sums keep an
/// exact integer part and a compensated double part, and min/max keep a monotonic queue.
enum FrameAggregate {
    /// The function.
    enum Function: String, Sendable {
        case sum, avg, count, min, max
    }

    /// The function's value for every row. Rows are in output order, partition `p` being
    /// rows `bounds[p] ..< bounds[p + 1]`. `column` is the input field in that order (`nil`
    /// when no batch had it, or for `count` without a field) and `cells` its numbers (needed
    /// by all but `count`).
    static func compute(
        _ function: Function, column: Column?, cells: NumericCells?, countsRows: Bool, bounds: [Int], frame: Int?
    ) -> Column {
        let n = bounds.last ?? 0
        let width = frame ?? Int.max
        switch function {
        case .count:
            // Which rows count: all of them, or those where the field holds a value (SQL's count(x)).
            let counted: [Bool] = countsRows ? [] : column.map { c in (0..<c.count).map { c.isPresent($0) } } ?? []
            var counts = [Int](repeating: 0, count: n)
            guard countsRows || column != nil else { return Column(storage: .ints(counts)) }
            for p in 0..<(bounds.count - 1) {
                var inFrame = 0
                let start = bounds[p]
                for i in start..<bounds[p + 1] {
                    if countsRows || counted[i] { inFrame += 1 }
                    if i - start >= width, countsRows || counted[i - width] { inFrame -= 1 }
                    counts[i] = inFrame
                }
            }
            return Column(storage: .ints(counts))
        case .sum, .avg:
            guard let cells else { return nulls(n) }
            return sums(cells, average: function == .avg, bounds: bounds, width: width)
        case .min, .max:
            guard let cells else { return nulls(n) }
            return extremes(cells, isMax: function == .max, bounds: bounds, width: width)
        }
    }

    private static func nulls(_ n: Int) -> Column {
        Column(storage: .values(Array(repeating: .null, count: n)), presence: Array(repeating: .null, count: n))
    }

    private static func sums(_ cells: NumericCells, average: Bool, bounds: [Int], width: Int) -> Column {
        var builder = ColumnBuilder(capacity: cells.kinds.count)
        for p in 0..<(bounds.count - 1) {
            var sum = FrameSum()
            let start = bounds[p]
            for i in start..<bounds[p + 1] {
                sum.add(cells, i, sign: 1)
                if i - start >= width { sum.add(cells, i - width, sign: -1) }
                if average {
                    if let mean = sum.mean { builder.appendDouble(mean) } else { builder.appendNull() }
                } else {
                    sum.append(to: &builder)
                }
            }
        }
        return builder.build()
    }

    private static func extremes(_ cells: NumericCells, isMax: Bool, bounds: [Int], width: Int) -> Column {
        var builder = ColumnBuilder(capacity: cells.kinds.count)
        // The rows that can still become the frame's extreme, best
        // first: a row leaves when it falls out of the frame or a strictly better one arrives
        // after it. Equal values stay, so the earliest of equals wins, as in the aggregate.
        var queue: [Int] = []
        queue.reserveCapacity(Swift.min(width, cells.kinds.count))
        for p in 0..<(bounds.count - 1) {
            queue.removeAll(keepingCapacity: true)
            var head = 0
            let start = bounds[p]
            for i in start..<bounds[p + 1] {
                if cells.kinds[i] != NumericCells.none {
                    while queue.count > head, isMax ? cells.less(queue[queue.count - 1], i) : cells.less(i, queue[queue.count - 1]) {
                        queue.removeLast()
                    }
                    queue.append(i)
                }
                while head < queue.count, queue[head] <= i - width { head += 1 }
                if head < queue.count {
                    let best = queue[head]
                    if cells.kinds[best] == NumericCells.int { builder.appendInt(cells.ints[best]) } else { builder.appendDouble(cells.doubles[best]) }
                } else {
                    builder.appendNull()
                }
                // Keep the queue's storage from growing without bound in a long running frame.
                if head > 4096, head * 2 > queue.count {
                    queue.removeFirst(head)
                    head = 0
                }
            }
        }
        return builder.build()
    }
}

/// The sum of the numbers in a frame, with rows added and removed.
///
/// Integers are summed with wrapping arithmetic, which is exact whenever the frame's true sum
/// fits in 64 bits; a rough double of the same sum tells when it might not. Doubles use
/// Neumaier's compensated sum, and both parts reset when the frame holds none of their kind,
/// so a moving sum does not carry rounding from rows long gone.
struct FrameSum {
    private var integer = 0
    private var integerEstimate = 0.0
    private var double = 0.0
    private var compensation = 0.0
    private var numbers = 0
    private var doubles = 0

    /// Beyond this the integer part might have wrapped; the sum is then given as a double.
    private static let exactLimit = 4.0e18

    /// Adds (`sign` 1) or removes (`sign` -1) row `row`'s number, if it has one.
    @inline(__always)
    mutating func add(_ cells: NumericCells, _ row: Int, sign: Int) {
        switch cells.kinds[row] {
        case NumericCells.int:
            let value = cells.ints[row]
            integer = sign > 0 ? integer &+ value : integer &- value
            integerEstimate += Double(sign) * Double(value)
            numbers += sign
        case NumericCells.double:
            addCompensated(Double(sign) * cells.doubles[row])
            doubles += sign
            numbers += sign
            if doubles == 0 {
                double = 0
                compensation = 0
            }
        default:
            return
        }
        if numbers == 0 {
            integer = 0
            integerEstimate = 0
        }
    }

    @inline(__always)
    private mutating func addCompensated(_ value: Double) {
        let total = double + value
        if abs(double) >= abs(value) {
            compensation += (double - total) + value
        } else {
            compensation += (value - total) + double
        }
        double = total
    }

    private var integerPart: Double {
        abs(integerEstimate) < Self.exactLimit ? Double(integer) : integerEstimate
    }

    /// The frame's mean, `nil` when it holds no number.
    var mean: Double? {
        numbers > 0 ? (integerPart + (double + compensation)) / Double(numbers) : nil
    }

    /// Appends the frame's sum: an int while every number in it is an int and the sum is
    /// exact, a double otherwise, null when it holds no number (as SQL's `sum`).
    @inline(__always)
    func append(to builder: inout ColumnBuilder) {
        if numbers == 0 {
            builder.appendNull()
        } else if doubles == 0, abs(integerEstimate) < Self.exactLimit {
            builder.appendInt(integer)
        } else {
            builder.appendDouble(integerPart + (double + compensation))
        }
    }
}
