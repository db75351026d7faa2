import SluiceCore

/// One test of a cell against a configured value, prepared once: the operator with the value
/// in the forms the typed fast paths need (a number, UTF-8 bytes, a compiled pattern), and
/// which truth selects a row.
///
/// A predicate built with `negated` selects the rows where the test is *false*, not the rows
/// where it is not true: a condition's `not` is pushed down to its tests, so `not (x gt 1)`
/// keeps `x ≤ 1` and drops null `x`, whose truth is unknown.
struct FilterPredicate: Sendable {
    let op: FilterOperator
    let value: Value
    /// The truth a row needs to be selected: `yes`, or `no` when negated.
    let target: Truth
    /// The value as a number, when it is one or spells one (`"42"`).
    let number: ParsedNumber?
    /// The value's bytes, when it is a string.
    let text: [UInt8]?
    /// For `contains`: the text to look for inside string cells.
    let needle: [UInt8]?
    /// For `in` and `notIn`: the listed values; for `between`: the two bounds.
    let members: [Value]
    /// For `regex`: the compiled pattern.
    let pattern: CompiledPattern?
    /// For the comparison operators: which comparison results select a row.
    let outcomes: FilterOperator.Outcomes?
    /// Whether null and absent cells are selected (`eq null`, `ne "x"`, `in [null]`, `isNull`).
    private(set) var selectsMissing = false

    /// A predicate for a value already checked by ``ConditionCompiler``; `pattern` is given
    /// for `regex`.
    init(op: FilterOperator, value: Value, negated: Bool = false, pattern: CompiledPattern? = nil) {
        self.op = op
        self.value = value
        target = negated ? .no : .yes
        number = value.parsedNumber
        text = value.stringValue.map { Array($0.utf8) }
        switch value {
        case .string, .int, .double, .bool, .timestamp: needle = Array(value.plainText.utf8)
        case .null, .array, .object: needle = nil
        }
        members = value.arrayValue ?? []
        self.pattern = pattern
        outcomes = op.outcomes(selecting: target)
        selectsMissing = truth(.null) == target
    }

    /// Whether a cell is selected; null and absent cells are passed as `.null`.
    @inline(__always)
    func test(_ cell: Value) -> Bool { truth(cell) == target }

    /// The truth of the test for one cell; null and absent cells are passed as `.null`.
    ///
    /// `eq`, `ne`, `in`, `isNull` and `notNull` are definite for every cell (JavaScript's
    /// semantics: null equals null and differs from everything else); the other
    /// operators are unknown for null cells, and the orderings for cells that do not compare.
    func truth(_ cell: Value) -> Truth {
        switch op {
        case .eq: return Truth(LooseComparison.equals(cell, value))
        case .ne: return Truth(!LooseComparison.equals(cell, value))
        case .gt, .gte, .lt, .lte:
            guard !cell.isNull, let truths = op.outcomeTruths else { return .unknown }
            guard let order = LooseComparison.order(cell, value) else { return truths.incomparable }
            return order < 0 ? truths.less : (order == 0 ? truths.equal : truths.greater)
        case .in:
            return Truth(members.contains { LooseComparison.equals(cell, $0) })
        case .notIn:
            // SQL's NOT IN: unknown for a null cell, and for any unmatched cell when a listed value is null.
            if cell.isNull { return .unknown }
            if members.contains(where: { LooseComparison.equals(cell, $0) }) { return .no }
            return members.contains(where: \.isNull) ? .unknown : .yes
        case .between:
            guard !cell.isNull, members.count == 2,
                let low = LooseComparison.order(cell, members[0]), let high = LooseComparison.order(cell, members[1])
            else { return .unknown }
            return Truth(low >= 0 && high <= 0)
        case .isNull: return Truth(cell.isNull)
        case .notNull: return Truth(!cell.isNull)
        case .contains, .startsWith, .endsWith, .regex:
            switch cell {
            case .null: return .unknown
            case .string(var s):
                return s.withUTF8 { Truth(matchesText(UnsafeRawBufferPointer($0))) }
            case .array(let items):
                return Truth(op == .contains && items.contains(value))
            default:
                return .no
            }
        }
    }

    /// For the text operators: whether a string cell's bytes match.
    @inline(__always)
    func matchesText(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch op {
        case .contains:
            guard let needle else { return false }
            return LooseComparison.containsBytes(bytes, needle)
        case .startsWith:
            guard let text, bytes.count >= text.count else { return false }
            return text.withUnsafeBytes { LooseComparison.compareBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<$0.count]), $0) == 0 }
        case .endsWith:
            guard let text, bytes.count >= text.count else { return false }
            return text.withUnsafeBytes {
                LooseComparison.compareBytes(UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - $0.count)...]), $0) == 0
            }
        case .regex:
            return pattern?.matches(String(decoding: bytes, as: UTF8.self)) ?? false
        default:
            return false
        }
    }
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
