import NIOCore
import SluiceRedisWire

/// The properties checked on one input of the Redis reply parser: the bytes read whole and
/// read as they would arrive one byte at a time give the same replies and the same error.
enum RESPFuzzing {
    /// Small limits, so the limit checks are reached by short inputs too.
    static let decoder = RESPDecoder(maxBulkBytes: 4096, maxElements: 256, maxDepth: 8)

    /// Every reply in `bytes`, read with the buffer holding the first `arrived` bytes at each
    /// step (all of them when `stepping` is false); the error that ended the read, if any.
    static func replies(_ bytes: [UInt8], stepping: Bool) -> ([RESPValue], RedisError?) {
        var buffer = ByteBuffer()
        var replies: [RESPValue] = []
        var arrived = stepping ? 0 : bytes.count
        buffer.writeBytes(bytes[..<arrived])
        while true {
            do {
                if let reply = try decoder.parse(&buffer) {
                    replies.append(reply)
                    continue
                }
            } catch {
                return (replies, error)
            }
            guard arrived < bytes.count else { return (replies, nil) }
            buffer.writeInteger(bytes[arrived])
            arrived += 1
        }
    }

    static func run(_ bytes: [UInt8]) -> FuzzReport {
        var report = FuzzReport()
        let whole = replies(bytes, stepping: false)
        let stepped = replies(bytes, stepping: true)
        report.outcome = whole.1.map { "rejected: \($0)" } ?? "\(whole.0.count) replies"
        report.check(whole.0 == stepped.0, "a byte-at-a-time read gives other replies than a whole read")
        report.check(whole.1 == stepped.1, "a byte-at-a-time read ends with \(String(describing: stepped.1)), a whole read with \(String(describing: whole.1))")
        return report
    }
}
