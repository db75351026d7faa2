/// The text form Sluice gives a time of day: `HH:MM:SS[.fraction]` (at most nine fraction
/// digits; seconds may be left out).
enum TimeOfDayText {
    /// Nanoseconds since midnight of `text`, `nil` when it is not a time of day.
    static func nanoseconds(_ text: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        func twoDigits() -> Int64? {
            guard index + 2 <= text.count else { return nil }
            let high = text[index] &- UInt8(ascii: "0"), low = text[index + 1] &- UInt8(ascii: "0")
            guard high < 10, low < 10 else { return nil }
            index += 2
            return Int64(high) * 10 + Int64(low)
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < text.count, text[index] == byte else { return false }
            index += 1
            return true
        }
        guard let hour = twoDigits(), hour < 24, expect(UInt8(ascii: ":")), let minute = twoDigits(), minute < 60 else {
            return nil
        }
        var second: Int64 = 0
        var fraction: Int64 = 0
        if expect(UInt8(ascii: ":")) {
            guard let s = twoDigits(), s < 60 else { return nil }
            second = s
            if expect(UInt8(ascii: ".")) {
                var digits = 0
                while index < text.count {
                    let digit = text[index] &- UInt8(ascii: "0")
                    guard digit < 10, digits < 9 else { return nil }
                    fraction = fraction * 10 + Int64(digit)
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<9 { fraction *= 10 }
            }
        }
        guard index == text.count else { return nil }
        return ((hour * 60 + minute) * 60 + second) * 1_000_000_000 + fraction
    }
}
