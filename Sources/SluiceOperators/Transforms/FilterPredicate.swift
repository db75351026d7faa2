import SluiceCore

/// The condition of a ``Filter``, prepared once: the operator with the value it compares
/// against in the forms the typed fast paths need (a number, UTF-8 bytes).
struct FilterPredicate: Sendable {
    let op: FilterOperator
    let value: Value
    /// The value as a number, when it is one or spells one (`"42"`).
    let number: ParsedNumber?
    /// The value's bytes, when it is a string.
    let text: [UInt8]?
    /// For `contains`: the text to look for inside string cells.
    let needle: [UInt8]?
    /// For `in`: the allowed values.
    let members: [Value]

    init(op: FilterOperator, value: Value) {
        self.op = op
        self.value = value
        number = value.parsedNumber
        text = value.stringValue.map { Array($0.utf8) }
        switch value {
        case .string, .int, .double, .bool, .timestamp: needle = Array(value.plainText.utf8)
        case .null, .array, .object: needle = nil
        }
        members = value.arrayValue ?? []
    }

    /// Whether a cell passes; null and absent cells are passed as `.null`.
    func test(_ cell: Value) -> Bool {
        switch op {
        case .eq: return LooseComparison.equals(cell, value)
        case .ne: return !LooseComparison.equals(cell, value)
        case .gt, .gte, .lt, .lte:
            guard !cell.isNull, let outcomes = op.outcomes else { return false }
            return outcomes.accepts(LooseComparison.order(cell, value))
        case .in:
            return members.contains { LooseComparison.equals(cell, $0) }
        case .contains:
            switch cell {
            case .string(var s):
                guard let needle else { return false }
                return s.withUTF8 { LooseComparison.containsBytes(UnsafeRawBufferPointer($0), needle) }
            case .array(let items):
                return items.contains(value)
            default:
                return false
            }
        }
    }

    /// Whether null and absent cells pass (`eq null`, `ne "x"`, `in [null]`).
    var acceptsMissing: Bool { test(.null) }
}

extension ParsedNumber {
    /// Orders two numbers: exactly when both are integers, as doubles otherwise; `nil` for NaN.
    @inline(__always)
    func compare(to other: ParsedNumber) -> Int? {
        if case .int(let a) = self, case .int(let b) = other { return a < b ? -1 : (a == b ? 0 : 1) }
        let a = double
        let b = other.double
        if a.isNaN || b.isNaN { return nil }
        return a < b ? -1 : (a == b ? 0 : 1)
    }
}
