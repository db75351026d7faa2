import Testing

@testable import SluiceFormats

/// ``DecimalWriting`` must spell every number exactly as `String(_:)` / `description` do,
/// since the encoders' output has to stay byte for byte what it was.
@Suite("Decimal writing against the standard library")
struct DecimalWritingTests {
    func written(_ value: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecimalWriting.maxIntWidth) { buffer in
            guard let base = buffer.baseAddress else { return "" }
            let end = DecimalWriting.writeInt(value, at: base)
            return String(decoding: UnsafeBufferPointer(start: base, count: end - base), as: UTF8.self)
        }
    }

    func written(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecimalWriting.maxDoubleWidth) { buffer in
            guard let base = buffer.baseAddress else { return "" }
            let end = DecimalWriting.writeDouble(value, at: base)
            return String(decoding: UnsafeBufferPointer(start: base, count: end - base), as: UTF8.self)
        }
    }

    /// Whether the fast path (not the standard library) wrote `value`.
    func fast(_ value: Double) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecimalWriting.maxDoubleWidth) { buffer in
            guard let base = buffer.baseAddress else { return false }
            return DecimalWriting.writeShortFixed(value, at: base) != nil
        }
    }

    @Test("integers: edges and a million random values of every width")
    func integers() {
        var edges = [0, 1, -1, 9, 10, 99, 100, -100, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            edges += [power - 1, power, power + 1, -power + 1, -power, -power - 1]
        }
        for value in edges { #expect(written(value) == String(value)) }
        var rng = SplitMix(seed: 11)
        var mismatches = 0
        for _ in 0..<1_000_000 {
            let value = Int(truncatingIfNeeded: rng.next()) >> rng.int(0...63)
            if written(value) != String(value) { mismatches += 1 }
            #expect(DecimalWriting.decimalWidth(value) == String(value).utf8.count)
        }
        #expect(mismatches == 0)
    }

    @Test("doubles: edge cases")
    func doubleEdges() {
        var values: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.5, 0.0001, -0.0001, 0.00011, 0.00009999999999999999, 0.00005, 1e-5, 1e-7,
            4_294_967_295.9999, 4_294_967_296, 4_294_967_296.5, 1e15, 1e16, 9_007_199_254_740_992, 1e21, 1e22, 1e23,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude, .leastNonzeroMagnitude,
            .infinity, -.infinity, .nan, -.nan, .signalingNaN, .pi, 2833.38, 130.36, 0.30000000000000004, 99.99,
            123_456_789.125, 1.5, 2.675, 1.005, 1_234.5678, 1_234.56785, 0.1 + 0.2,
        ]
        for k in 0...8 {
            var scale = 1.0
            for _ in 0..<k { scale *= 10 }
            for m in [1.0, 5, 9, 11, 99, 12_345, 99_999, 4_294_967_295] {
                values += [m / scale, (m / scale).nextUp, (m / scale).nextDown]
            }
        }
        for value in values { #expect(written(value) == value.description, "\(value)") }
    }

    /// Values the fast path is meant for (few fraction digits) and their neighbours, random
    /// bit patterns, and doubles widened from floats (long shortest forms).
    @Test("doubles: millions of random values", arguments: 0..<4)
    func randomDoubles(seed: Int) {
        var rng = SplitMix(seed: UInt64(seed) &* 7919 &+ 3)
        var mismatches: [Double] = []
        var fastCount = 0
        let total = 1_000_000
        var scales: [Double] = [1]
        for _ in 0..<7 { scales.append((scales.last ?? 1) * 10) }
        for i in 0..<total {
            let value: Double
            switch i % 5 {
            case 0, 1:
                let m = Double(rng.next() >> UInt64(rng.int(11...63)))
                value = (rng.next() & 1 == 0 ? 1 : -1) * m / scales[rng.int(0...7)]
            case 2:
                let m = Double(rng.next() >> UInt64(rng.int(20...63))) / scales[rng.int(0...5)]
                value = rng.next() & 1 == 0 ? m.nextUp : m.nextDown
            case 3:
                value = Double(bitPattern: rng.next())
            default:
                value = Double(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()) & 0x4FFF_FFFF))
            }
            if fast(value) { fastCount += 1 }
            if written(value) != value.description { mismatches.append(value) }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5).map { $0.bitPattern })")
        #expect(fastCount > total / 5)
    }
}
