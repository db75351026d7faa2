// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.

/// Reads Sluice's time-of-day text, `HH:MM:SS[.ffffff]`, for Avro's time logical types.
enum AvroTimeOfDay {
    /// Microseconds after midnight of `text` (`HH:MM` or `HH:MM:SS`, then an optional fraction
    /// of up to 9 digits, those past the sixth zero), or `nil` when it is not a time of day.
    static func micros(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        func number(_ start: Int) -> Int? {
            guard start + 2 <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + 2)] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let hour = number(0), hour < 24, bytes.count >= 5, bytes[2] == UInt8(ascii: ":"), let minute = number(3), minute < 60 else {
            return nil
        }
        var second = 0
        var fraction = 0
        var index = 5
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: ":"), let s = number(index + 1), s < 60 else { return nil }
            second = s
            index += 3
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: "."), bytes.count > index + 1, bytes.count - index - 1 <= 9 else { return nil }
                var scale = 100_000
                for (k, byte) in bytes[(index + 1)...].enumerated() {
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    let digit = Int(byte - UInt8(ascii: "0"))
                    if k < 6 {
                        fraction += digit * scale
                        scale /= 10
                    } else if digit != 0 {
                        return nil
                    }
                }
            }
        }
        return ((hour * 60 + minute) * 60 + second) * 1_000_000 + fraction
    }
}
