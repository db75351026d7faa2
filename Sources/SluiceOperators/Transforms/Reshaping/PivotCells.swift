import SluiceCore

/// The aggregate functions of a ``Pivot``; `count` and `countNonNull` count as the
/// `aggregate` operation's functions of those names do.
public enum PivotFunction: String, Sendable, CaseIterable {
    case sum, avg, min, max
    /// The number of records (SQL `count(*)`); takes no `value` field.
    case count
    /// The number of non-null values of the `value` field (SQL `count(x)`).
    case countNonNull
    case first

    /// The names as an error message lists them.
    static var expectedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// One pivot function's accumulators, one per output cell (index row × pivot column).
///
/// `sum`, `avg`, `min` and `max` read numbers as the aggregate does (ints, doubles, numeric
/// strings; NaN and anything else ignored); a sum of ints stays an int unless it overflows.
/// `count` counts records (`count(*)`), `countNonNull` the non-null values of the value
/// field (`count(x)`). `first` keeps the first row's value, null included, as DuckDB's
/// `first` does.
struct PivotCells: Sendable {
    let function: PivotFunction
    /// Integer sums, or counts.
    private var ints: [Int] = []
    /// Double sums (once a cell's sum is a double), or the extreme so far as a double.
    private var doubles: [Double] = []
    /// Per cell: 0 nothing yet, 1 an int, 2 a double.
    private var kinds: [UInt8] = []
    /// Numbers added, for `avg`.
    private var counts: [Int] = []
    /// `first` values.
    private var firsts: [Value] = []

    init(_ function: PivotFunction) {
        self.function = function
    }

    /// The number of cells.
    var count: Int { kinds.count }

    /// Makes room for `cells` cells.
    mutating func grow(to cells: Int) {
        let extra = cells - kinds.count
        guard extra > 0 else { return }
        kinds.append(contentsOf: repeatElement(0, count: extra))
        switch function {
        case .sum, .avg:
            ints.append(contentsOf: repeatElement(0, count: extra))
            doubles.append(contentsOf: repeatElement(0, count: extra))
            counts.append(contentsOf: repeatElement(0, count: extra))
        case .min, .max:
            ints.append(contentsOf: repeatElement(0, count: extra))
            doubles.append(contentsOf: repeatElement(0, count: extra))
        case .count, .countNonNull:
            ints.append(contentsOf: repeatElement(0, count: extra))
        case .first:
            firsts.append(contentsOf: repeatElement(.null, count: extra))
        }
    }

    /// Adds row `row` of `column` (`nil`: the row has no value field) to cell `cell`.
    mutating func add(_ column: Column?, row: Int, to cell: Int) {
        switch function {
        case .count:
            ints[cell] += 1
        case .countNonNull:
            if let column, !column.value(at: row).isNull { ints[cell] += 1 }
        case .first:
            if kinds[cell] == 0 {
                kinds[cell] = 1
                firsts[cell] = column?.value(at: row) ?? .null
            }
        case .sum, .avg, .min, .max:
            guard let column, let number = Self.number(column, row) else { return }
            switch number {
            case .int(let i): addInt(i, to: cell)
            case .double(let d): addDouble(d, to: cell)
            }
        }
    }

    /// The number in a cell: ints and doubles, and text that spells a number.
    private static func number(_ column: Column, _ row: Int) -> ParsedNumber? {
        guard column.isPresent(row) else { return nil }
        switch column.storage {
        case .ints(let a): return .int(a[row])
        case .doubles(let a): return a[row].isNaN ? nil : .double(a[row])
        case .text(let t): return t.withBytes(at: row) { NumberText.parse($0) }.flatMap { $0.double.isNaN ? nil : $0 }
        case .dictionary(let d):
            return d.dictionary.withBytes(at: d.code(at: row)) { NumberText.parse($0) }.flatMap { $0.double.isNaN ? nil : $0 }
        case .bools: return nil
        case .values(let a): return a[row].parsedNumber.flatMap { $0.double.isNaN ? nil : $0 }
        }
    }

    private mutating func addInt(_ i: Int, to cell: Int) {
        switch function {
        case .sum, .avg:
            counts[cell] += 1
            if kinds[cell] == 2 {
                doubles[cell] += Double(i)
            } else {
                let (total, overflow) = ints[cell].addingReportingOverflow(i)
                if overflow {
                    kinds[cell] = 2
                    doubles[cell] = Double(ints[cell]) + Double(i)
                } else {
                    kinds[cell] = 1
                    ints[cell] = total
                }
            }
        case .min, .max:
            let better: Bool
            switch kinds[cell] {
            case 0: better = true
            case 1: better = function == .min ? i < ints[cell] : i > ints[cell]
            default: better = Self.beats(Double(i), doubles[cell], exact: i, current: nil, min: function == .min)
            }
            if better {
                kinds[cell] = 1
                ints[cell] = i
                doubles[cell] = Double(i)
            }
        case .count, .countNonNull, .first:
            break
        }
    }

    private mutating func addDouble(_ d: Double, to cell: Int) {
        switch function {
        case .sum, .avg:
            counts[cell] += 1
            if kinds[cell] != 2 {
                doubles[cell] = Double(ints[cell])
                kinds[cell] = 2
            }
            doubles[cell] += d
        case .min, .max:
            let better: Bool
            switch kinds[cell] {
            case 0: better = true
            case 1: better = Self.beats(d, doubles[cell], exact: nil, current: ints[cell], min: function == .min)
            default: better = function == .min ? d < doubles[cell] : d > doubles[cell]
            }
            if better {
                kinds[cell] = 2
                doubles[cell] = d
            }
        case .count, .countNonNull, .first:
            break
        }
    }

    /// Whether `candidate` is below (`min`) or above the current extreme, comparing an int
    /// with a double exactly (so `2^53 + 1` beats the double `2^53`).
    private static func beats(_ candidate: Double, _ current: Double, exact: Int?, current currentInt: Int?, min: Bool) -> Bool {
        if candidate != current { return min ? candidate < current : candidate > current }
        // Equal as doubles: only an int that rounded can still differ.
        if let exact, let back = Int(exactly: current) { return min ? exact < back : exact > back }
        if let currentInt, let back = Int(exactly: candidate) { return min ? back < currentInt : back > currentInt }
        return false
    }

    /// The result of cell `cell` (the counts give 0 for an empty cell, the others null).
    func value(_ cell: Int) -> Value {
        switch function {
        case .count, .countNonNull: return .int(ints[cell])
        case .first: return firsts[cell]
        case .sum:
            switch kinds[cell] {
            case 1: return .int(ints[cell])
            case 2: return .double(doubles[cell])
            default: return .null
            }
        case .avg:
            guard counts[cell] > 0 else { return .null }
            let total = kinds[cell] == 2 ? doubles[cell] : Double(ints[cell])
            return .double(total / Double(counts[cell]))
        case .min, .max:
            switch kinds[cell] {
            case 1: return .int(ints[cell])
            case 2: return .double(doubles[cell])
            default: return .null
            }
        }
    }

    /// About how many bytes the accumulators take.
    var estimatedBytes: Int {
        ints.capacity * 8 + doubles.capacity * 8 + kinds.capacity + counts.capacity * 8 + firsts.capacity * MemoryLayout<Value>.stride
    }
}
