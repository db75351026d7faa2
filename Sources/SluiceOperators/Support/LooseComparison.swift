import SluiceCore

/// Equality and ordering as loose as JavaScript's `==`, shared by every operator
/// that compares a cell with a configured value.
enum LooseComparison {
    /// `==` of ``Value``, except that a numeric string equals the same number (`"42"` and 42),
    /// as JavaScript's loose equality has it, a date equals the ISO text of the same instant,
    /// and strings compare by their UTF-8 bytes (as JavaScript does, rather than Swift's
    /// canonical equivalence).
    static func equals(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            return x.utf8.elementsEqual(y.utf8)
        case (.string(let s), .int), (.string(let s), .double):
            return numericEquals(s, b)
        case (.int, .string(let s)), (.double, .string(let s)):
            return numericEquals(s, a)
        case (.timestamp, .string), (.string, .timestamp):
            // A date equals the ISO 8601 text of the same instant, as it orders with it.
            return a.compare(to: b) == 0
        default:
            return a == b
        }
    }

    /// `==` of ``Value``, except that strings compare by their UTF-8 bytes.
    static func same(_ a: Value, _ b: Value) -> Bool {
        if case .string(let x) = a, case .string(let y) = b { return x.utf8.elementsEqual(y.utf8) }
        return a == b
    }

    private static func numericEquals(_ text: String, _ number: Value) -> Bool {
        guard let parsed = NumberText.parse(text) else { return false }
        return parsed.value == number
    }

    /// ``Value/compare(to:)``, except that two strings compare by UTF-8 bytes (the same order
    /// as Unicode scalars), so typed fast paths and this general path always agree.
    static func order(_ a: Value, _ b: Value) -> Int? {
        if case .string(let x) = a, case .string(let y) = b {
            var x = x
            var y = y
            return x.withUTF8 { xb in y.withUTF8 { yb in compareBytes(UnsafeRawBufferPointer(xb), UnsafeRawBufferPointer(yb)) } }
        }
        return a.compare(to: b)
    }

    /// Lexicographic comparison of two byte strings: -1, 0 or 1.
    @inline(__always)
    static func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = Swift.min(a.count, b.count)
        var i = 0
        while i < n {
            let x = a[i]
            let y = b[i]
            if x != y { return x < y ? -1 : 1 }
            i += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Whether `needle` occurs in `haystack` (an empty needle occurs everywhere).
    @inline(__always)
    static func containsBytes(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        needle.isEmpty || firstIndex(of: needle, in: haystack, from: 0) != nil
    }

    /// The offset of the first occurrence of a non-empty `needle` in `haystack` at or after `start`.
    static func firstIndex(of needle: [UInt8], in haystack: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let first = needle.first else { return start }
        let n = needle.count
        guard haystack.count - start >= n else { return nil }
        var i = start
        let last = haystack.count - n
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < n, haystack[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }
}
