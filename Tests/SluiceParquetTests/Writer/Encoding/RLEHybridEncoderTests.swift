import Testing

@testable import SluiceParquet

@Suite struct RLEHybridEncoderTests {
    /// A plain decoder of the hybrid encoding, written from the specification for the test.
    static func decode(_ bytes: [UInt8], bitWidth: Int, count: Int) -> [UInt32]? {
        var values: [UInt32] = []
        var index = 0
        func varint() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
            return nil
        }
        while values.count < count {
            guard let header = varint() else { return nil }
            if header & 1 == 0 {
                var value: UInt32 = 0
                for i in 0..<((bitWidth + 7) / 8) {
                    guard index < bytes.count else { return nil }
                    value |= UInt32(bytes[index]) << (8 * i)
                    index += 1
                }
                values.append(contentsOf: repeatElement(value, count: Int(header >> 1)))
            } else {
                let total = Int(header >> 1) * 8
                var bit = 0
                for _ in 0..<total {
                    var value: UInt32 = 0
                    for b in 0..<bitWidth {
                        let at = index + (bit + b) / 8
                        guard at < bytes.count else { return nil }
                        value |= UInt32((bytes[at] >> UInt8((bit + b) % 8)) & 1) << b
                    }
                    bit += bitWidth
                    values.append(value)
                }
                index += (total * bitWidth + 7) / 8
            }
        }
        guard index == bytes.count else { return nil }
        return Array(values.prefix(count))
    }

    static func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: bitWidth, into: &out) }
        return out
    }

    @Test func knownBytes() {
        // 100 ones: one RLE run (100 << 1 = 200 → 0xC8 0x01) and the value in one byte.
        #expect(Self.encode(Array(repeating: 1, count: 100), bitWidth: 1) == [0xC8, 0x01, 0x01])
        // Alternating bits: one bit-packed group.
        #expect(Self.encode([0, 1, 0, 1, 0, 1, 0, 1], bitWidth: 1) == [0x03, 0xAA])
        // Three literals, then a run of ten 2s: the literals borrow five 2s to fill their
        // group, and the five left do not pay for an RLE run, so all are literals (the last
        // group padded with zeros).
        #expect(Self.encode([1, 3, 0] + Array(repeating: 2, count: 10), bitWidth: 2) == [0x05, 0x8D, 0xAA, 0xAA, 0x02])
        // With sixteen 2s, eleven are left after the borrowing: an RLE run.
        #expect(Self.encode([1, 3, 0] + Array(repeating: 2, count: 16), bitWidth: 2) == [0x03, 0x8D, 0xAA, 0x16, 0x02])
        // A 9-bit value takes two bytes in an RLE run.
        #expect(Self.encode(Array(repeating: 300, count: 8), bitWidth: 9) == [0x10, 0x2C, 0x01])
        #expect(Self.encode([], bitWidth: 3) == [])
    }

    @Test func roundTripsRandomRunsAndLiterals() {
        var generator = SystemRandomNumberGenerator()
        for bitWidth in [1, 2, 3, 5, 8, 13, 17, 24, 32] {
            for _ in 0..<40 {
                var values: [UInt32] = []
                let maximum = bitWidth == 32 ? UInt32.max : (UInt32(1) << bitWidth) - 1
                while values.count < 3000 {
                    let value = UInt32.random(in: 0...maximum, using: &generator)
                    let run = Bool.random(using: &generator) ? Int.random(in: 1...40, using: &generator) : 1
                    values.append(contentsOf: repeatElement(value, count: run))
                }
                let count = Int.random(in: 0...values.count, using: &generator)
                let slice = Array(values.prefix(count))
                let decoded = Self.decode(Self.encode(slice, bitWidth: bitWidth), bitWidth: bitWidth, count: count)
                #expect(decoded == slice, "bit width \(bitWidth), \(count) values")
            }
        }
    }
}
