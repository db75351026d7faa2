// Written from scratch for Sluice from the Parquet encodings specification
// (apache/parquet-format, Encodings.md, "Run Length Encoding / Bit-Packing Hybrid").

/// The RLE / bit-packing hybrid encoding of definition levels and dictionary indices.
///
/// A run of eight or more equal values becomes an RLE run (`varint(count << 1)` and the value
/// in ⌈width / 8⌉ bytes); everything else goes into bit-packed runs of groups of eight values
/// (`varint(groups << 1 | 1)` and the values packed least significant bit first). A
/// bit-packed run can only hold whole groups, so a run of equal values lends the literals
/// before it the values that complete their last group, and only the final group of all is
/// padded (a reader knows the number of values).
enum RLEHybridEncoder {
    /// Appends `values`, each below 2^`bitWidth` (`bitWidth` 0…32), to `out`.
    static func encode<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]
    ) {
        let count = values.count
        var literalStart = 0
        var i = 0
        while i < count {
            let value = values[i]
            var j = i + 1
            while j < count, values[j] == value { j += 1 }
            let pending = i - literalStart
            let fill = (8 - pending % 8) % 8
            if j - i >= fill + 8 {
                // The run pays for an RLE run even after completing the literals' last group.
                let literalEnd = i + fill
                if literalEnd > literalStart {
                    appendBitPacked(UnsafeBufferPointer(rebasing: values[literalStart..<literalEnd]), bitWidth: bitWidth, into: &out)
                }
                appendRun(value, count: j - literalEnd, bitWidth: bitWidth, into: &out)
                literalStart = j
            }
            i = j
        }
        if count > literalStart {
            appendBitPacked(UnsafeBufferPointer(rebasing: values[literalStart..<count]), bitWidth: bitWidth, into: &out)
        }
    }

    /// Appends one RLE run of `count` copies of `value`.
    static func appendRun<T: FixedWidthInteger & UnsignedInteger>(_ value: T, count: Int, bitWidth: Int, into out: inout [UInt8]) {
        appendVarint(UInt64(truncatingIfNeeded: count) << 1, into: &out)
        var remaining = UInt64(truncatingIfNeeded: value)
        for _ in 0..<((bitWidth + 7) / 8) {
            out.append(UInt8(truncatingIfNeeded: remaining))
            remaining >>= 8
        }
    }

    /// Appends one bit-packed run holding `values` (the last group padded with zeros).
    static func appendBitPacked<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]
    ) {
        let groups = (values.count + 7) / 8
        appendVarint(UInt64(truncatingIfNeeded: groups) << 1 | 1, into: &out)
        let byteCount = groups * bitWidth
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: byteCount))
        guard bitWidth > 0 else { return }
        out.withUnsafeMutableBufferPointer { buffer in
            var target = start
            if bitWidth == 1 {
                var i = 0
                while i < values.count {
                    var byte: UInt8 = 0
                    for bit in 0..<Swift.min(8, values.count - i) {
                        byte |= UInt8(truncatingIfNeeded: values[i + bit]) << bit
                    }
                    buffer[target] = byte
                    target += 1
                    i += 8
                }
                return
            }
            var accumulator: UInt64 = 0
            var bits = 0
            for value in values {
                accumulator |= UInt64(truncatingIfNeeded: value) << bits
                bits += bitWidth
                while bits >= 8 {
                    buffer[target] = UInt8(truncatingIfNeeded: accumulator)
                    target += 1
                    accumulator >>= 8
                    bits -= 8
                }
            }
            if bits > 0 { buffer[target] = UInt8(truncatingIfNeeded: accumulator) }
        }
    }

    /// ULEB128.
    static func appendVarint(_ value: UInt64, into out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(truncatingIfNeeded: value))
    }

    /// The bits needed for values up to `maximum`.
    static func bitWidth(forMaximum maximum: Int) -> Int {
        maximum <= 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount
    }
}
