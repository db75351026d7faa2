import Foundation
import SluiceCodecs
import SluiceTestSupport
import Testing

/// A deterministic generator for test data (SplitMix64).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(count)
        while result.count < count {
            var word = next()
            for _ in 0..<min(8, count - result.count) {
                result.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return result
    }
}

/// The inputs every codec is checked on.
enum Samples {
    static func csv(_ count: Int) -> [UInt8] {
        var random = TestRandom(seed: 7)
        var text = [UInt8]("id,name,amount,created_at\n".utf8)
        let names = ["alice", "bob", "carol", "dave", "eve", "mallory", "trent", "peggy"]
        var row = 0
        while text.count < count {
            let name = names[Int(random.next() % UInt64(names.count))]
            let amount = Double(random.next() % 1_000_000) / 100
            text += Array("\(row),\(name),\(amount),2024-0\(row % 9 + 1)-1\(row % 10)T12:\(row % 60):00Z\n".utf8)
            row += 1
        }
        return Array(text.prefix(count))
    }

    static func random(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var random = TestRandom(seed: seed)
        return random.bytes(count)
    }

    static func repetitive(_ count: Int) -> [UInt8] {
        let pattern = Array("abcabcabd-".utf8)
        return (0..<count).map { pattern[$0 % pattern.count] }
    }

    /// Mostly text with runs and random stretches: many literal/match mixes.
    static func mixed(_ count: Int) -> [UInt8] {
        var random = TestRandom(seed: 99)
        var result = [UInt8]()
        let text = csv(4096)
        while result.count < count {
            switch random.next() % 4 {
            case 0: result += random.bytes(Int(random.next() % 300))
            case 1: result += Array(repeating: UInt8(random.next() % 256), count: Int(random.next() % 500))
            default:
                let start = Int(random.next() % 3000)
                result += text[start..<start + Int(random.next() % 1000)]
            }
        }
        return Array(result.prefix(count))
    }

    /// Named inputs: empty, one byte, repetitive, random, text, around block boundaries, > 1 MB.
    static let all: [(name: String, bytes: [UInt8])] = [
        ("empty", []),
        ("one", [0x41]),
        ("zeros-1000", Array(repeating: 0, count: 1000)),
        ("repetitive-100000", repetitive(100_000)),
        ("random-5000", random(5000)),
        ("random-200000", random(200_000, seed: 2)),
        ("csv-30000", csv(30_000)),
        ("csv-65535", csv(65535)),
        ("csv-65536", csv(65536)),
        ("csv-65537", csv(65537)),
        ("mixed-131071", mixed(131_071)),
        ("mixed-131072", mixed(131_072)),
        ("mixed-131073", mixed(131_073)),
        ("csv-1100000", csv(1_100_000)),
    ]

    /// Small samples for exhaustive truncation and bit flips.
    static let small: [(name: String, bytes: [UInt8])] = [
        ("one", [0x41]),
        ("csv-600", csv(600)),
        ("mixed-3000", mixed(3000)),
    ]
}

/// Python oracles, exchanging bytes through files in a temporary directory.
struct Oracle {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory(prefix: "sluice-codecs") }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: directory.file(name)))
    }

    func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.file(name))))
    }

    /// Runs `script` with the directory as `sys.argv[1]` (as `d`) and `os`, `sys` imported.
    @discardableResult
    func run(_ script: String) async throws -> String {
        let prelude = "import os, sys\nd = sys.argv[1]\ndef rd(n):\n    return open(os.path.join(d, n), 'rb').read()\ndef wr(n, b):\n    open(os.path.join(d, n), 'wb').write(b)\n"
        return try await Python.run(prelude + script, arguments: [directory.path])
    }

    func remove() { directory.remove() }
}

/// The first index where `a` and `b` differ (or the shorter length), nil when equal; for
/// assertions that must not print whole buffers.
func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int? {
    if a == b { return nil }
    for i in 0..<min(a.count, b.count) where a[i] != b[i] { return i }
    return min(a.count, b.count)
}

extension BlockCodec {
    func decompressed(_ input: [UInt8], expectedSize: Int?, limit: Int = 1 << 30) throws -> [UInt8] {
        var output: [UInt8] = []
        try input.withUnsafeBytes { try decompress($0, expectedSize: expectedSize, limit: limit, into: &output) }
        return output
    }

    func compressed(_ input: [UInt8], level: Int? = nil) throws -> [UInt8] {
        var output: [UInt8] = []
        try input.withUnsafeBytes { try compress($0, level: level, into: &output) }
        return output
    }
}

/// Drives a stream decompressor exactly as the protocol documents: `pieceSize` bytes of new
/// input at a time appended to the unconsumed rest, calling while output appears; at the end
/// of the file the rest alone, then empty input until nothing more is appended, then finish.
/// Checks that no call appends more than `limit` bytes.
func driveDecompressor(_ codec: StreamCodec, _ compressed: [UInt8], pieceSize: Int, limit: Int) throws -> [UInt8] {
    var decompressor = codec.makeDecompressor()
    var output: [UInt8] = []
    // Bytes handed over and not consumed yet are pending[pendingStart...]; the consumed
    // front is dropped only once it is most of the buffer, so tiny output limits over a large
    // piece stay linear.
    var pending: [UInt8] = []
    var pendingStart = 0
    var position = 0
    func call() throws -> Bool {
        let before = output.count
        let waiting = pending.count - pendingStart
        let consumed = try pending.withUnsafeBytes {
            try decompressor.decompress(UnsafeRawBufferPointer(rebasing: $0[pendingStart...]), into: &output, limit: limit)
        }
        guard consumed >= 0 && consumed <= waiting else { throw CodecError("test: consumed \(consumed) of \(waiting)") }
        guard output.count - before <= limit else { throw CodecError("test: \(output.count - before) bytes appended over a limit of \(limit)") }
        pendingStart += consumed
        if pendingStart > 4096 && pendingStart * 2 > pending.count {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
        return output.count > before
    }
    while position < compressed.count {
        let end = min(position + pieceSize, compressed.count)
        pending += compressed[position..<end]
        position = end
        while try call() {}
    }
    while try call() {}
    try decompressor.finish()
    return output
}

/// Compresses with a stream compressor fed `pieceSize` bytes at a time.
func driveCompressor(_ codec: StreamCodec, _ input: [UInt8], pieceSize: Int, level: Int? = nil) throws -> [UInt8] {
    var compressor = try codec.makeCompressor(level: level)
    var output: [UInt8] = []
    var position = 0
    while position < input.count {
        let end = min(position + pieceSize, input.count)
        try input[position..<end].withUnsafeBytes { try compressor.compress($0, into: &output) }
        position = end
    }
    try compressor.finish(into: &output)
    return output
}

/// Every truncation of `compressed` and a bit flip at every bit (or a stride of them) must
/// throw a CodecError or decode without crashing.
func assertHostileInputsHandled(_ codec: BlockCodec, _ compressed: [UInt8], expectedSize: Int?, flips: Int = 800) {
    let flipStride = max(1, compressed.count * 8 / flips)
    // Every cut in the first 256 bytes (headers and the first blocks), then about 400 more.
    let lengths = Array(0..<min(256, compressed.count))
        + Array(stride(from: 256, to: compressed.count, by: max(1, (compressed.count - 256) / 400)))
    for length in lengths {
        do {
            _ = try codec.decompressed(Array(compressed.prefix(length)), expectedSize: expectedSize, limit: 1 << 24)
        } catch is CodecError {
        } catch {
            Issue.record("\(codec) truncated to \(length): \(error)")
        }
    }
    var bit = 0
    while bit < compressed.count * 8 {
        var damaged = compressed
        damaged[bit / 8] ^= UInt8(1 << (bit % 8))
        do {
            _ = try codec.decompressed(damaged, expectedSize: expectedSize, limit: 1 << 24)
        } catch is CodecError {
        } catch {
            Issue.record("\(codec) bit \(bit) flipped: \(error)")
        }
        bit += flipStride
    }
}
