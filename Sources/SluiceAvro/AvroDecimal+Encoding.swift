// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore

extension AvroDecimal {
    /// The unscaled integer of `value` at `scale`, as the big-endian two's-complement bytes
    /// Avro's decimal stores (the fewest that hold it), or a reason it does not fit exactly:
    /// more digits after the point than `scale`, or more than `precision` digits in all.
    /// Integers, doubles (by their shortest text) and decimal text are accepted.
    static func unscaledBytes(_ value: Value, precision: Int, scale: Int) -> Result<[UInt8], AvroWriteError> {
        let text: String
        switch value {
        case .int(let i): text = String(i)
        case .double(let d):
            guard d.isFinite else { return .failure(AvroWriteError("\(d) is not a finite number")) }
            text = d.description
        case .string(let s): text = s
        default: return .failure(AvroWriteError("a \(value.kindName) is not a decimal number"))
        }
        guard let number = canonical(text) else { return .failure(AvroWriteError("'\(text)' is not a decimal number")) }
        if number.digits.isEmpty { return .success([0]) }
        let (shift, overflow) = number.exponent.addingReportingOverflow(scale)
        guard !overflow, shift >= 0 else {
            return .failure(AvroWriteError("\(text) has more than \(scale) digits after the point"))
        }
        guard shift <= precision, number.digits.count + shift <= precision else {
            return .failure(AvroWriteError("\(text) has more than \(precision) digits at scale \(scale)"))
        }
        // The magnitude as little-endian 32-bit limbs, built digit by digit.
        var limbs: [UInt32] = []
        func multiplyAdd(_ factor: UInt32, _ addend: UInt32) {
            var carry = UInt64(addend)
            for i in limbs.indices {
                let product = UInt64(limbs[i]) * UInt64(factor) + carry
                limbs[i] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            if carry != 0 { limbs.append(UInt32(truncatingIfNeeded: carry)) }
        }
        for digit in number.digits { multiplyAdd(10, UInt32(digit - UInt8(ascii: "0"))) }
        for _ in 0..<shift { multiplyAdd(10, 0) }
        var bytes: [UInt8] = []
        for limb in limbs.reversed() {
            for k in (0..<4).reversed() { bytes.append(UInt8(truncatingIfNeeded: limb >> (8 * UInt32(k)))) }
        }
        while bytes.count > 1, bytes[0] == 0 { bytes.removeFirst() }
        if number.negative {
            for i in bytes.indices { bytes[i] = ~bytes[i] }
            var carry = true
            for i in bytes.indices.reversed() where carry {
                let (sum, overflow) = bytes[i].addingReportingOverflow(1)
                bytes[i] = sum
                carry = overflow
            }
            if bytes[0] < 0x80 { bytes.insert(0xFF, at: 0) }
        } else if bytes[0] >= 0x80 {
            bytes.insert(0, at: 0)
        }
        return .success(bytes)
    }
}
