import NIOCore
import SluiceNATSWire

/// The properties checked on one input of the NATS server-operation parser: the bytes read
/// whole and read as they would arrive one byte at a time give the same operations and the
/// same error, and no message is larger than the limits allow.
enum NATSFuzzing {
    /// Small limits, so the limit checks are reached by short inputs too.
    static func decoder() -> NATSDecoder { NATSDecoder(maxPayloadBytes: 4096, maxHeaderBytes: 512, maxLineBytes: 1024) }

    /// Every operation in `bytes`, read with the buffer holding the first `arrived` bytes at
    /// each step (all of them when `stepping` is false); the error that ended the read, if any.
    static func operations(_ bytes: [UInt8], stepping: Bool) -> ([NATSServerOperation], NATSError?) {
        var decoder = decoder()
        var buffer = ByteBuffer()
        var operations: [NATSServerOperation] = []
        var arrived = stepping ? 0 : bytes.count
        buffer.writeBytes(bytes[..<arrived])
        while true {
            do {
                if let operation = try decoder.parse(&buffer) {
                    operations.append(operation)
                    continue
                }
            } catch {
                return (operations, error)
            }
            guard arrived < bytes.count else { return (operations, nil) }
            buffer.writeInteger(bytes[arrived])
            arrived += 1
        }
    }

    static func run(_ bytes: [UInt8]) -> FuzzReport {
        var report = FuzzReport()
        let whole = operations(bytes, stepping: false)
        let stepped = operations(bytes, stepping: true)
        report.outcome = whole.1.map { "rejected: \($0)" } ?? "\(whole.0.count) operations"
        report.check(whole.0 == stepped.0, "a byte-at-a-time read gives other operations than a whole read")
        report.check(whole.1 == stepped.1, "a byte-at-a-time read ends with \(String(describing: stepped.1)), a whole read with \(String(describing: whole.1))")
        for case .message(let message) in whole.0 {
            report.check(message.payload.count <= 4096, "a payload of \(message.payload.count) bytes passed the 4096-byte limit")
        }
        return report
    }
}
