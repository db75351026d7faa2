import SluiceCore

/// `== != < <= > >=` over vectors, with typed loops for number columns and for text columns
/// against text (compared by UTF-8 bytes); everything else goes through
/// ``ScalarOperators/comparison(_:_:_:)``.
enum VectorComparison {
    static func apply(_ op: BinaryOperator, _ left: ExpressionVector, _ right: ExpressionVector, _ frame: inout EvaluationFrame) -> ExpressionVector {
        if case .constant(.null) = left { return .constant(.null) }
        if case .constant(.null) = right { return .constant(.null) }
        let n = frame.count
        if let (a, aPresence) = NumericLane.of(left, count: n), let (b, bPresence) = NumericLane.of(right, count: n) {
            let out: [Bool]
            if case .ints(let x) = a, case .ints(let y) = b {
                out = loop(op, x, y)
            } else {
                out = loop(op, a.doubles, b.doubles)
            }
            return .column(Column(storage: .bools(out), presence: ExpressionVector.combinedPresence(aPresence, bPresence)))
        }
        if let result = text(op, left, right, count: n) { return result }
        return BatchEvaluator.perRow(&frame) { row throws(RowFailure) in
            try ScalarOperators.comparison(op, left.value(at: row), right.value(at: row))
        }
    }

    @inline(__always)
    private static func loop<T: Comparable>(_ op: BinaryOperator, _ x: [T], _ y: [T]) -> [Bool] {
        let n = x.count
        return [Bool](unsafeUninitializedCapacity: n) { buffer, initialized in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    switch op {
                    case .equal: for i in 0..<n { buffer[i] = x[i] == y[i] }
                    case .notEqual: for i in 0..<n { buffer[i] = x[i] != y[i] }
                    case .less: for i in 0..<n { buffer[i] = x[i] < y[i] }
                    case .lessOrEqual: for i in 0..<n { buffer[i] = x[i] <= y[i] }
                    case .greater: for i in 0..<n { buffer[i] = x[i] > y[i] }
                    default: for i in 0..<n { buffer[i] = x[i] >= y[i] }
                    }
                }
            }
            initialized = n
        }
    }

    /// Text column against a text literal, or two text columns.
    private static func text(_ op: BinaryOperator, _ left: ExpressionVector, _ right: ExpressionVector, count: Int) -> ExpressionVector? {
        switch (left, right) {
        case (.column(let c), .constant(.string(let s))):
            guard case .text(let t) = c.storage else { return nil }
            return .column(Column(storage: .bools(againstLiteral(op, t, Array(s.utf8), flipped: false)), presence: c.presence))
        case (.constant(.string(let s)), .column(let c)):
            guard case .text(let t) = c.storage else { return nil }
            return .column(Column(storage: .bools(againstLiteral(op, t, Array(s.utf8), flipped: true)), presence: c.presence))
        case (.column(let a), .column(let b)):
            guard case .text(let x) = a.storage, case .text(let y) = b.storage else { return nil }
            let out = x.bytes.withUnsafeBytes { xb in
                y.bytes.withUnsafeBytes { yb in
                    (0..<count).map { row in
                        let order = LooseComparison.compareBytes(
                            UnsafeRawBufferPointer(rebasing: xb[x.range(row)]), UnsafeRawBufferPointer(rebasing: yb[y.range(row)]))
                        return ScalarOperators.outcome(op, order)
                    }
                }
            }
            return .column(Column(storage: .bools(out), presence: ExpressionVector.combinedPresence(a.presence, b.presence)))
        default:
            return nil
        }
    }

    private static func againstLiteral(_ op: BinaryOperator, _ t: TextColumn, _ literal: [UInt8], flipped: Bool) -> [Bool] {
        let n = t.count
        return t.bytes.withUnsafeBytes { bytes in
            literal.withUnsafeBytes { lit in
                t.offsets.withUnsafeBufferPointer { offsets in
                    [Bool](unsafeUninitializedCapacity: n) { buffer, initialized in
                        for row in 0..<n {
                            let start = Int(offsets[row])
                            let end = Int(offsets[row + 1])
                            let cell = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                            if op == .equal || op == .notEqual {
                                let same = cell.count == lit.count && (cell.count == 0 || memoryEqual(cell, lit))
                                buffer[row] = (op == .equal) == same
                            } else {
                                let order = LooseComparison.compareBytes(cell, lit)
                                buffer[row] = ScalarOperators.outcome(op, flipped ? -order : order)
                            }
                        }
                        initialized = n
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func memoryEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }
}
