import SluiceCore

/// Writes `numeric` values in PostgreSQL's binary form (`numeric_recv`): `ndigits`, `weight`,
/// `sign`, `dscale` (16 bits each), then `ndigits` base-10000 digits, the value being
/// Σ digit[i] · 10000^(weight − i) shown with `dscale` fraction digits.
///
/// Each value is the number, and the display scale, that `numeric_in` makes of the text the
/// target would send for it (``PostgresTextForm``), so a column holds the same numeric either
/// way; the server then applies the column's precision and scale to both alike.
enum PostgresNumericBinary {
    private static let positive: UInt16 = 0x0000
    private static let negativeSign: UInt16 = 0x4000
    private static let nan: UInt16 = 0xC000
    private static let positiveInfinity: UInt16 = 0xD000
    private static let negativeInfinity: UInt16 = 0xF000

    /// Writes the cell (length and value) of the integer `value`.
    static func writeInteger(_ value: Int, to out: inout [UInt8]) {
        writeScaled(UInt64(value.magnitude), scale: 0, negative: value < 0, to: &out)
    }

    /// Writes the cell of a double as `numeric_in` reads the double's text form: `NaN`,
    /// `±Infinity`, or the shortest decimal that reads back as the double, keeping its
    /// fraction digits as the display scale.
    static func writeDouble(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN { return writeSpecial(nan, to: &out) }
        if value.isInfinite { return writeSpecial(value < 0 ? negativeInfinity : positiveInfinity, to: &out) }
        if value.rounded(.towardZero) == value, value.magnitude < 9_007_199_254_740_992 {
            // The text form is the integer's digits (no fraction, no sign for -0).
            return writeInteger(Int(value), to: &out)
        }
        if let (digits, scale) = shortFraction(value.magnitude) {
            return writeScaled(digits, scale: scale, negative: value < 0, to: &out)
        }
        var text = value.description
        let decimal = text.withUTF8 { PostgresTextInput.decimal(UnsafeRawBufferPointer($0)) }
        // A finite double's description is always a decimal.
        if let decimal { write(decimal, to: &out) } else { writeSpecial(nan, to: &out) }
    }

    /// The shortest decimal `digits` · 10^−`scale` (at most 15 fraction digits, digits below
    /// 2^53) that reads back as `magnitude`, when exactly one decimal with that few fraction
    /// digits does — then it is the one a double's shortest text spells. Nil otherwise (the
    /// caller then reads the double's text).
    private static func shortFraction(_ magnitude: Double) -> (UInt64, Int)? {
        var power = 1.0
        for scale in 1...15 {
            power *= 10
            // A rounding interval as wide as 1 at this scale may hold two candidates.
            guard magnitude.ulp * power < 1 else { return nil }
            let scaled = (magnitude * power).rounded()
            guard scaled < 9_007_199_254_740_000 else { return nil }
            let center = UInt64(scaled)
            var found: UInt64?
            for candidate in (center == 0 ? center : center - 1)...(center + 1) where Double(candidate) / power == magnitude {
                if found != nil { return nil }
                found = candidate
            }
            if let found { return (found, scale) }
        }
        return nil
    }

    /// Writes the cell of a decimal read from text (see ``PostgresTextInput/decimal(_:)``).
    static func write(_ decimal: PostgresTextInput.Decimal, to out: inout [UInt8]) {
        // Align the digits on base-10000 groups: the digit just before the point ends a group.
        let leading = ((4 - decimal.pointPosition % 4) % 4 + 4) % 4
        var groups: [UInt16] = []
        groups.reserveCapacity((decimal.digits.count + leading) / 4 + 1)
        var group: UInt16 = 0
        var filled = leading
        for digit in decimal.digits {
            group = group * 10 + UInt16(digit - UInt8(ascii: "0"))
            filled += 1
            if filled == 4 {
                groups.append(group)
                group = 0
                filled = 0
            }
        }
        if filled > 0 {
            for _ in filled..<4 { group *= 10 }
            groups.append(group)
        }
        // The first group holds the digit at 10^(pointPosition - 1 + leading - 3).
        let weight = (decimal.pointPosition + leading) / 4 - 1
        write(groups: groups, weight: weight, negative: decimal.negative, scale: decimal.scale, to: &out)
    }

    /// Writes `digits` · 10^−`scale` with display scale `scale`, for `digits` below 2^53
    /// (or any integer, with scale 0): the digits padded to a multiple of four fraction
    /// digits fit 64 bits, so the base-10000 groups come straight from the integer.
    private static func writeScaled(_ digits: UInt64, scale: Int, negative: Bool, to out: inout [UInt8]) {
        let pad = (4 - scale % 4) % 4
        var rest = digits
        for _ in 0..<pad { rest *= 10 }
        let fractionGroups = (scale + pad) / 4
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 5) { groups in
            var count = 0
            while rest > 0 {
                groups[count] = UInt16(truncatingIfNeeded: rest % 10_000)
                rest /= 10_000
                count += 1
            }
            // groups[0] is the least significant; trailing zero groups are dropped.
            var lowest = 0
            while lowest < count, groups[lowest] == 0 { lowest += 1 }
            let written = count - lowest
            writeHeader(count: written, weight: written == 0 ? 0 : count - 1 - fractionGroups, negative: negative, scale: scale, to: &out)
            var index = count - 1
            while index >= lowest {
                PostgresBinaryCell.put(groups[index], to: &out)
                index -= 1
            }
        }
    }

    /// Writes groups after dropping leading and trailing zero groups; zero is positive.
    private static func write(groups: [UInt16], weight: Int, negative: Bool, scale: Int, to out: inout [UInt8]) {
        var first = groups.startIndex
        var last = groups.endIndex
        while first < last, groups[first] == 0 { first += 1 }
        while last > first, groups[last - 1] == 0 { last -= 1 }
        let count = last - first
        writeHeader(count: count, weight: count == 0 ? 0 : weight - (first - groups.startIndex), negative: negative, scale: scale, to: &out)
        for index in first..<last { PostgresBinaryCell.put(groups[index], to: &out) }
    }

    /// The cell's length and the numeric's header; zero is positive.
    private static func writeHeader(count: Int, weight: Int, negative: Bool, scale: Int, to out: inout [UInt8]) {
        PostgresBinaryCell.put(Int32(truncatingIfNeeded: 8 + 2 * count), to: &out)
        PostgresBinaryCell.put(Int16(truncatingIfNeeded: count), to: &out)
        PostgresBinaryCell.put(Int16(truncatingIfNeeded: weight), to: &out)
        PostgresBinaryCell.put(count == 0 || !negative ? positive : negativeSign, to: &out)
        PostgresBinaryCell.put(Int16(truncatingIfNeeded: scale), to: &out)
    }

    private static func writeSpecial(_ sign: UInt16, to out: inout [UInt8]) {
        PostgresBinaryCell.put(Int32(8), to: &out)
        PostgresBinaryCell.put(Int16(0), to: &out)
        PostgresBinaryCell.put(Int16(0), to: &out)
        PostgresBinaryCell.put(sign, to: &out)
        PostgresBinaryCell.put(Int16(0), to: &out)
    }
}
