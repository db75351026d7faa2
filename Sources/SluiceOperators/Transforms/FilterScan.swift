import SluiceCore

/// One pass of a ``FilterPredicate`` over a column, producing the passing row indexes.
///
/// Int, double and text columns compare their storage directly (text by bytes, without
/// making a `String` per cell); other layouts fall back to the predicate's `Value` test.
struct FilterScan {
    let predicate: FilterPredicate
    let column: Column
    let count: Int

    /// The passing rows, in order.
    func rows() -> [Int] {
        let missing = predicate.acceptsMissing
        if let outcomes = predicate.op.outcomes {
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
            case .bools, .values:
                break
            }
        } else if predicate.op == .contains, case .text(let t) = column.storage {
            guard let needle = predicate.needle else { return select(missing) { _ in false } }
            return scanText(t, missing) { LooseComparison.containsBytes($0, needle) }
        }
        return select(missing) { predicate.test(column.value(at: $0)) }
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
        var rows: [Int] = []
        rows.reserveCapacity(count)
        if let presence = column.presence {
            for row in 0..<count where presence[row] == .present ? present(row) : missing { rows.append(row) }
        } else {
            for row in 0..<count where present(row) { rows.append(row) }
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
