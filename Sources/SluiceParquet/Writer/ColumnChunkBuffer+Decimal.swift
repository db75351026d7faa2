import SluiceCore

extension ColumnChunkBuffer {
    /// 10^0 … 10^18.
    private static let powersOfTen: [Int64] = {
        var powers: [Int64] = [1]
        for _ in 1...18 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()

    /// Appends an integer to a decimal column: its unscaled value is `i × 10^scale`.
    mutating func appendDecimal(integer i: Int, position: Int) throws {
        guard case .decimal(let precision, let scale, let storage) = plan.kind else { return }
        if precision <= 18 {
            let (unscaled, overflow) = Int64(i).multipliedReportingOverflow(by: Self.powersOfTen[scale])
            guard !overflow, unscaled.magnitude < Self.powersOfTen[precision].magnitude else {
                let digits = String(i.magnitude).count
                throw mismatch("an integer", position: position, detail: "a number with \(digits) integer digits does not fit")
            }
            try pushUnscaled(unscaled, storage: storage)
            return
        }
        var text = String(i)
        try text.withUTF8 { try appendDecimal(text: UnsafeRawBufferPointer($0), position: position, kind: "an integer") }
    }

    /// Appends a double to a decimal column: its value is the decimal its shortest text
    /// spells (`0.1` is 0.1, not the binary fraction nearest it).
    mutating func appendDecimal(double d: Double, position: Int) throws {
        guard case .decimal(let precision, let scale, let storage) = plan.kind else { return }
        guard d.isFinite else {
            throw mismatch("a non-finite number", position: position, detail: "a non-finite number does not fit")
        }
        // Fast path: when u = d × 10^scale rounds to an integer below 2^52 and u / 10^scale (one
        // correctly rounded IEEE division of exact operands) gives back d, then u × 10^−scale
        // is the only decimal with `scale` fraction digits in d's rounding interval, so the
        // shortest text spells it (with trailing zeros dropped).
        if precision <= 18, scale <= 18 {
            let power = Double(Self.powersOfTen[scale])
            let u = (d * power).rounded()
            if u.magnitude < 4_503_599_627_370_496, u / power == d {
                let unscaled = Int64(u)
                guard unscaled.magnitude < Self.powersOfTen[precision].magnitude else {
                    let digits = String(Int64(d.magnitude.rounded(.towardZero))).count
                    throw mismatch("a number", position: position, detail: "a number with \(digits) integer digits does not fit")
                }
                try pushUnscaled(unscaled, storage: storage)
                return
            }
        }
        var text = d.description
        try text.withUTF8 { try appendDecimal(text: UnsafeRawBufferPointer($0), position: position, kind: "a number") }
    }

    /// Appends decimal text (`-12.50`, `1E+3`) to a decimal column.
    mutating func appendDecimal(text: UnsafeRawBufferPointer, position: Int, kind: String = "a string") throws {
        guard case .decimal(let precision, let scale, let storage) = plan.kind else { return }
        switch DecimalText.parse(text, precision: precision, scale: scale) {
        case .failure(.notANumber):
            throw mismatch(kind, position: position, detail: "\(kind) that is not a decimal number does not fit")
        case .failure(.fractionDigits(let count)):
            throw mismatch(kind, position: position, detail: "a number with \(count) fraction digits does not fit")
        case .failure(.integerDigits(let count)):
            throw mismatch(kind, position: position, detail: "a number with \(count) integer digits does not fit")
        case .success(let decimal):
            switch storage {
            case .int32, .int64: try pushUnscaled(decimal.int64, storage: storage)
            case .fixed(let length):
                decimal.appendBigEndian(length: length, to: &bytes)
                notePresent()
            }
        }
    }

    /// Appends an unscaled value already checked against the precision.
    private mutating func pushUnscaled(_ unscaled: Int64, storage: ParquetColumnPlan.DecimalStorage) throws {
        switch storage {
        case .int32: int32s.append(Int32(truncatingIfNeeded: unscaled))
        case .int64: int64s.append(unscaled)
        case .fixed(let length):
            // Only precision > 18 is stored fixed; kept for completeness.
            let negative = unscaled < 0
            var magnitude = unscaled.magnitude
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(negative ? 0xFF : 0, count: length))
            var i = start + length - 1
            var value = UInt64(bitPattern: unscaled)
            while i >= start, magnitude > 0 {
                bytes[i] = UInt8(truncatingIfNeeded: value)
                value >>= 8
                magnitude >>= 8
                i -= 1
            }
        }
        notePresent()
    }
}
