import SluiceCore

/// The numbers of one column, read once into flat arrays so frame aggregates can revisit
/// rows (sliding frames add and remove each row) without re-parsing text or switching on
/// storage per visit.
struct NumericCells: Sendable {
    /// Per row: 0 no number (null, absent, NaN or not numeric), 1 an int, 2 a double.
    var kinds: [UInt8]
    /// Per row, the int of an int row (other rows: 0, or no entry when no row can be an int).
    var ints: [Int]
    /// Per row, the double of a double row (other rows: 0, or no entry when no row can be a double).
    var doubles: [Double]

    static let none: UInt8 = 0
    static let int: UInt8 = 1
    static let double: UInt8 = 2

    /// The numbers of `column`: ints, doubles and numeric strings, as the aggregate reads them.
    /// An array only read for the other kind stays empty (an int column has no doubles).
    init(_ column: Column) {
        let count = column.count
        kinds = Array(repeating: Self.none, count: count)
        switch column.storage {
        case .ints: (ints, doubles) = (Array(repeating: 0, count: count), [])
        case .doubles: (ints, doubles) = ([], Array(repeating: 0, count: count))
        case .bools: (ints, doubles) = ([], [])
        case .text, .dictionary, .values: (ints, doubles) = (Array(repeating: 0, count: count), Array(repeating: 0, count: count))
        }
        switch column.storage {
        case .ints(let a):
            for row in 0..<count where column.isPresent(row) {
                kinds[row] = Self.int
                ints[row] = a[row]
            }
        case .doubles(let a):
            for row in 0..<count where column.isPresent(row) && !a[row].isNaN {
                kinds[row] = Self.double
                doubles[row] = a[row]
            }
        case .text(let t):
            t.bytes.withUnsafeBytes { bytes in
                for row in 0..<count where column.isPresent(row) {
                    if let number = NumberText.parse(UnsafeRawBufferPointer(rebasing: bytes[t.range(row)])) { set(row, number) }
                }
            }
        case .dictionary(let d):
            for row in 0..<count where column.isPresent(row) {
                if let number = d.dictionary.withBytes(at: d.code(at: row), NumberText.parse) { set(row, number) }
            }
        case .values(let a):
            for row in 0..<count where column.isPresent(row) {
                if let number = a[row].parsedNumber { set(row, number) }
            }
        case .bools:
            break
        }
    }

    private mutating func set(_ row: Int, _ number: ParsedNumber) {
        switch number {
        case .int(let i):
            kinds[row] = Self.int
            ints[row] = i
        case .double(let d):
            guard !d.isNaN else { return }
            kinds[row] = Self.double
            doubles[row] = d
        }
    }

    /// Row `row` as a double (only meaningful when it holds a number).
    @inline(__always) func double(_ row: Int) -> Double {
        kinds[row] == Self.int ? Double(ints[row]) : doubles[row]
    }

    /// Whether row `a`'s number is less than row `b`'s: ints compare exactly, anything else as doubles.
    @inline(__always) func less(_ a: Int, _ b: Int) -> Bool {
        if kinds[a] == Self.int, kinds[b] == Self.int { return ints[a] < ints[b] }
        return double(a) < double(b)
    }

    /// Row `row`'s number as a cell.
    func value(_ row: Int) -> Value {
        switch kinds[row] {
        case Self.int: return .int(ints[row])
        case Self.double: return .double(doubles[row])
        default: return .null
        }
    }
}
