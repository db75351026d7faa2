import SluiceCore

/// One pass of a ``FilterPredicate`` over a column, producing the selected row indexes.
///
/// Int, double and text columns compare their storage directly (text by bytes, without
/// making a `String` per cell); other layouts fall back to the predicate's `Value` test.
/// Dictionary-encoded text is decided once per dictionary entry. Inside an `and` the scan
/// visits only the rows still selected (``candidates``).
struct FilterScan {
    let predicate: FilterPredicate
    let column: Column
    let count: Int
    /// The rows to test, ascending; `nil` for all of `0..<count`.
    var candidates: [Int]? = nil

    /// The selected rows, in order.
    func rows() -> [Int] {
        if case .dictionary(let d) = column.storage { return dictionaryRows(d) }
        if let outcomes = predicate.outcomes { return comparisonRows(outcomes) }
        return otherRows()
    }

    /// The rows a comparison (`eq` … `lte`) selects.
    private func comparisonRows(_ outcomes: FilterOperator.Outcomes) -> [Int] {
        let missing = predicate.selectsMissing
        switch column.storage {
        case .ints(let a):
            guard let number = predicate.number else { return select(missing) { _ in outcomes.incomparable } }
            if case .int(let c) = number {
                return select(missing) { row in
                    let x = a[row]
                    return outcomes.accepts(x < c ? -1 : (x == c ? 0 : 1))
                }
            }
            let c = number.double
            return select(missing) { outcomes.accepts(Self.compare(Double(a[$0]), c)) }
        case .doubles(let a):
            guard let number = predicate.number else { return select(missing) { _ in outcomes.incomparable } }
            let c = number.double
            return select(missing) { outcomes.accepts(Self.compare(a[$0], c)) }
        case .text(let t):
            if let text = predicate.text {
                return text.withUnsafeBytes { needle in
                    scanText(t, missing) { outcomes.accepts(LooseComparison.compareBytes($0, needle)) }
                }
            }
            guard let number = predicate.number else { return select(missing) { _ in outcomes.incomparable } }
            return scanText(t, missing) { cell in
                outcomes.accepts(NumberText.parse(cell).flatMap { $0.compare(to: number) })
            }
        case .bools, .values, .dictionary:
            break
        }
        return select(missing) { predicate.test(column.value(at: $0)) }
    }

    /// The rows of dictionary-encoded text the predicate selects: it is decided for each
    /// entry once (the entries scanned as a text column, every one present), and each present
    /// row takes its entry's answer; null and absent rows go by ``FilterPredicate/selectsMissing``
    /// as in every scan. A dictionary with more entries than there are rows to test is
    /// flattened and scanned row by row instead.
    private func dictionaryRows(_ d: DictionaryText) -> [Int] {
        let entries = d.dictionary
        guard entries.count <= candidates?.count ?? count else {
            return FilterScan(predicate: predicate, column: column.flatteningDictionary(), count: count, candidates: candidates).rows()
        }
        var passes = [Bool](repeating: false, count: entries.count)
        for entry in FilterScan(predicate: predicate, column: Column(storage: .text(entries)), count: entries.count).rows() {
            passes[entry] = true
        }
        return passes.withUnsafeBufferPointer { passes in
            d.codes.withUnsafeBufferPointer { codes in
                select(predicate.selectsMissing) { passes[Int(codes[$0])] }
            }
        }
    }

    /// The rows the other operators select.
    private func otherRows() -> [Int] {
        let missing = predicate.selectsMissing
        let negated = predicate.target == .no
        switch predicate.op {
        case .contains, .startsWith, .endsWith, .regex:
            // Every string cell is definitely matched or not, so a negated scan flips the answer.
            if case .text(let t) = column.storage {
                return scanText(t, missing) { predicate.matchesText($0) != negated }
            }
        case .isNull, .notNull:
            let presentSelected = (predicate.op == .notNull) != negated
            return select(missing) { _ in presentSelected }
        case .between:
            if let rows = betweenRows(missing, negated) { return rows }
        case .eq, .ne, .gt, .gte, .lt, .lte, .in, .notIn:
            break
        }
        return select(missing) { predicate.test(column.value(at: $0)) }
    }

    /// `between` over int, double and text storage when both bounds suit it; `nil` otherwise.
    private func betweenRows(_ missing: Bool, _ negated: Bool) -> [Int]? {
        let bounds = predicate.members
        guard bounds.count == 2 else { return nil }
        /// Selected when both orders exist and say inside (or outside, when negated).
        @inline(__always) func selects(_ low: Int?, _ high: Int?) -> Bool {
            guard let low, let high else { return false }
            return (low >= 0 && high <= 0) != negated
        }
        if case .text(let t) = column.storage, case .string(let lowText) = bounds[0], case .string(let highText) = bounds[1] {
            let low = Array(lowText.utf8)
            let high = Array(highText.utf8)
            return low.withUnsafeBytes { low in
                high.withUnsafeBytes { high in
                    scanText(t, missing) { selects(LooseComparison.compareBytes($0, low), LooseComparison.compareBytes($0, high)) }
                }
            }
        }
        guard bounds[0].number != nil, bounds[1].number != nil, let low = bounds[0].parsedNumber, let high = bounds[1].parsedNumber
        else { return nil }
        switch column.storage {
        case .ints(let a):
            return select(missing) { row in
                let x = ParsedNumber.int(a[row])
                return selects(x.compare(to: low), x.compare(to: high))
            }
        case .doubles(let a):
            let (lo, hi) = (low.double, high.double)
            return select(missing) { selects(Self.compare(a[$0], lo), Self.compare(a[$0], hi)) }
        case .text(let t):
            return scanText(t, missing) { cell in
                guard let x = NumberText.parse(cell) else { return false }
                return selects(x.compare(to: low), x.compare(to: high))
            }
        case .bools, .values, .dictionary:
            return nil
        }
    }

    /// Orders two doubles; `nil` when either is NaN.
    @inline(__always)
    private static func compare(_ a: Double, _ b: Double) -> Int? {
        if a < b { return -1 }
        if a > b { return 1 }
        return a == b ? 0 : nil
    }

    /// The rows whose present cell passes `present`, plus null and absent rows when `missing`.
    @inline(__always)
    private func select(_ missing: Bool, _ present: (Int) -> Bool) -> [Int] {
        if let candidates { return select(among: candidates, missing, present) }
        var rows: [Int] = []
        rows.reserveCapacity(count)
        if let presence = column.presence {
            for row in 0..<count where presence[row] == .present ? present(row) : missing { rows.append(row) }
        } else {
            for row in 0..<count where present(row) { rows.append(row) }
        }
        return rows
    }

    /// ``select(_:_:)`` over some rows only (inside an `and` or `or`). Kept out of line so the
    /// scan of whole batches, the common case, stays as tight as before conditions could nest.
    @inline(never)
    private func select(among candidates: [Int], _ missing: Bool, _ present: (Int) -> Bool) -> [Int] {
        var rows: [Int] = []
        rows.reserveCapacity(candidates.count)
        if let presence = column.presence {
            for row in candidates where presence[row] == .present ? present(row) : missing { rows.append(row) }
        } else {
            for row in candidates where present(row) { rows.append(row) }
        }
        return rows
    }

    /// ``select(_:_:)`` over a text column, handing each present cell's bytes to `present`.
    @inline(__always)
    private func scanText(_ t: TextColumn, _ missing: Bool, _ present: (UnsafeRawBufferPointer) -> Bool) -> [Int] {
        t.bytes.withUnsafeBytes { bytes in
            t.offsets.withUnsafeBufferPointer { offsets in
                select(missing) { row in
                    present(UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[row])..<Int(offsets[row + 1])]))
                }
            }
        }
    }
}
