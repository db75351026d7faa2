// Drives zlib's raw inflate directly (through CompressNIO's CCompressZlib module): CompressNIO's
// own wrapper works on NIO ByteBuffers and reports a full output buffer and the end of the
// stream the same way, while reading one zip entry with bounded memory needs "inflate into
// this slice of my buffer, tell me how much went in and out and whether the stream ended".
import CCompressZlib

/// A raw deflate (RFC 1951) decompressor that inflates as much as fits into the space it is
/// given, so a caller pulls a zip entry piece by piece.
final class RawInflater {
    /// What one call did.
    struct Step {
        /// Input bytes consumed.
        var consumed: Int
        /// Output bytes produced.
        var produced: Int
        /// Whether the deflate stream's last block has ended.
        var ended: Bool
    }

    /// A corrupt stream, with zlib's description of what was wrong.
    struct Failure: Error {
        var message: String
    }

    private let stream: UnsafeMutablePointer<z_stream>
    private var initialized = false

    init() throws(Failure) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Negative window bits: a raw stream without a zlib or gzip header.
        let status = CCompressZlib_inflateInit2(stream, -15)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw Failure(message: "cannot start zlib inflate (status \(status))")
        }
        initialized = true
    }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates from `input` into `output`.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(Failure) -> Step {
        guard let outBase = output.baseAddress, output.count > 0 else { return Step(consumed: 0, produced: 0, ended: false) }
        // zlib counts in 32 bits: hand it at most 1 GiB at a time.
        let inCount = min(input.count, 1 << 30)
        let outCount = min(output.count, 1 << 30)
        var emptyInput: UInt8 = 0
        return try withUnsafeMutablePointer(to: &emptyInput) { (empty) throws(Failure) -> Step in
            let inBase = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) } ?? empty
            stream.pointee.next_in = inBase
            stream.pointee.avail_in = UInt32(truncatingIfNeeded: inCount)
            let outPointer = outBase.assumingMemoryBound(to: UInt8.self)
            stream.pointee.next_out = outPointer
            stream.pointee.avail_out = UInt32(truncatingIfNeeded: outCount)
            let status = CCompressZlib.inflate(stream, Z_NO_FLUSH)
            let consumed = inCount - Int(stream.pointee.avail_in)
            let produced = outCount - Int(stream.pointee.avail_out)
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
            switch status {
            case Z_OK, Z_BUF_ERROR:
                // Z_BUF_ERROR: no progress was possible (more input needed); the caller decides
                // whether the input has run out.
                return Step(consumed: consumed, produced: produced, ended: false)
            case Z_STREAM_END:
                return Step(consumed: consumed, produced: produced, ended: true)
            case Z_NEED_DICT:
                throw Failure(message: "the deflate stream asks for a preset dictionary")
            case Z_MEM_ERROR:
                throw Failure(message: "zlib ran out of memory")
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw Failure(message: "corrupt deflate data (\(detail))")
            }
        }
    }
}
