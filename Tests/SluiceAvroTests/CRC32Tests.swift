@testable import SluiceAvro
import SluiceTestSupport
import Testing

@Suite struct CRC32Tests {
    @Test func knownVectors() {
        func crc(_ text: String) -> UInt32 { Array(text.utf8).withUnsafeBytes { CRC32.checksum($0) } }
        #expect(crc("") == 0)
        #expect(crc("a") == 0xE8B7_BE43)
        #expect(crc("123456789") == 0xCBF4_3926)
        #expect(crc("The quick brown fox jumps over the lazy dog") == 0x414F_A339)
    }

    @Test func matchesZlibAtEveryLengthAndAlignment() async throws {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let hex = data.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        let script = "import sys, zlib\nd = bytes.fromhex(sys.argv[1])\nfor n in range(0, 300, 7): print(zlib.crc32(d[3:3 + n]))"
        let expected = try await Python.run(script, arguments: [hex]).split(separator: "\n").compactMap { UInt32($0) }
        let actual = stride(from: 0, to: 300, by: 7).map { n in
            data.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[3..<min(300, 3 + n)])) }
        }
        #expect(actual == expected)
    }
}
