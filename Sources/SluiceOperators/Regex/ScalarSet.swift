/// A set of Unicode scalar values stored as sorted, disjoint, non-adjacent ranges: what a
/// character class (`[a-z]`, `\d`, `(?i)k`) compiles to. ASCII membership is answered from a
/// 128-bit map, everything else by binary search over the ranges.
struct ScalarSet: Sendable, Equatable {
    /// The largest Unicode scalar value.
    static let maxScalar: UInt32 = 0x10FFFF

    /// The members, sorted and merged.
    private(set) var ranges: [ClosedRange<UInt32>] = []
    /// Bits 0–63 of the ASCII map (scalars 0–63).
    private var lowASCII: UInt64 = 0
    /// Bits 64–127 of the ASCII map (scalars 64–127).
    private var highASCII: UInt64 = 0

    init() {}

    /// The set of the given ranges (in any order, overlapping or not).
    init(_ ranges: [ClosedRange<UInt32>]) {
        for range in ranges { insert(range) }
    }

    /// Whether no scalar is a member.
    var isEmpty: Bool { ranges.isEmpty }

    /// The single member, when there is exactly one.
    var singleScalar: UInt32? {
        guard ranges.count == 1, let only = ranges.first, only.lowerBound == only.upperBound else { return nil }
        return only.lowerBound
    }

    /// Whether `scalar` is a member.
    @inline(__always)
    func contains(_ scalar: UInt32) -> Bool {
        if scalar < 64 { return lowASCII & (1 << UInt64(scalar)) != 0 }
        if scalar < 128 { return highASCII & (1 << UInt64(scalar - 64)) != 0 }
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if scalar < range.lowerBound {
                high = middle
            } else if scalar > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Adds the scalars of `range`.
    mutating func insert(_ range: ClosedRange<UInt32>) {
        // Find the ranges that overlap or touch `range` and replace them with their union.
        var lower = range.lowerBound
        var upper = range.upperBound
        var first = 0
        while first < ranges.count, ranges[first].upperBound + 1 < lower { first += 1 }
        var last = first
        while last < ranges.count, ranges[last].lowerBound <= upper + 1 {
            lower = min(lower, ranges[last].lowerBound)
            upper = max(upper, ranges[last].upperBound)
            last += 1
        }
        ranges.replaceSubrange(first..<last, with: [lower...upper])
        markASCII(range)
    }

    /// Adds one scalar.
    mutating func insert(_ scalar: UInt32) { insert(scalar...scalar) }

    /// Adds every member of `other`.
    mutating func formUnion(_ other: ScalarSet) {
        for range in other.ranges { insert(range) }
    }

    /// Every scalar that is not a member.
    func inverted() -> ScalarSet {
        var result = ScalarSet()
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.insert(next...(range.lowerBound - 1)) }
            next = range.upperBound + 1
        }
        if ranges.last.map({ $0.upperBound < Self.maxScalar }) ?? true { result.insert(next...Self.maxScalar) }
        return result
    }

    /// The set with every member's simple case-folding equivalents added (`k` brings `K` and
    /// the Kelvin sign).
    func caseFolded() -> ScalarSet {
        var result = self
        for range in ranges {
            for scalar in CaseFolding.casedScalars(in: range) {
                for other in CaseFolding.orbit(of: scalar) where !result.contains(other) { result.insert(other) }
            }
        }
        return result
    }

    private mutating func markASCII(_ range: ClosedRange<UInt32>) {
        guard range.lowerBound < 128 else { return }
        for scalar in range.lowerBound...min(range.upperBound, 127) {
            if scalar < 64 { lowASCII |= 1 << UInt64(scalar) } else { highASCII |= 1 << UInt64(scalar - 64) }
        }
    }
}
