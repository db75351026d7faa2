// Drives zlib's raw deflate directly (through CompressNIO's CCompressZlib module): the sheet
// XML is compressed as it is produced, into whatever buffer the zip entry goes to, and
// CompressNIO's ByteBuffer wrapper would add a copy and an error-as-control-flow loop per chunk.
import CCompressZlib

/// A raw deflate (RFC 1951) compressor for one zip entry, fed piece by piece.
final class RawDeflater {
    /// A failure of zlib itself (out of memory); never caused by the data.
    struct Failure: Error {
        var message: String
    }

    private let stream: UnsafeMutablePointer<z_stream>
    private var initialized = false
    /// Output space per zlib call.
    private static let chunk = 64 * 1024
    /// Uncompressed bytes taken so far.
    private(set) var totalIn = 0
    /// Compressed bytes produced so far.
    private(set) var totalOut = 0

    /// A compressor at zlib `level` (1–9; 6 is zlib's default balance).
    init(level: Int32 = 6) throws(Failure) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = CCompressZlib_deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw Failure(message: "cannot start zlib deflate (status \(status))")
        }
        initialized = true
    }

    deinit {
        if initialized { deflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `input`, appending whatever zlib emits to `output`.
    func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(Failure) {
        var offset = 0
        while offset < input.count {
            guard let base = input.baseAddress else { return }
            let piece = min(input.count - offset, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: (base + offset).assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = UInt32(truncatingIfNeeded: piece)
            repeat {
                try run(flush: Z_NO_FLUSH, into: &output)
            } while stream.pointee.avail_in > 0
            offset += piece
        }
        totalIn += input.count
    }

    /// Ends the stream, appending the last compressed bytes to `output`.
    func finish(into output: inout [UInt8]) throws(Failure) {
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        while try !run(flush: Z_FINISH, into: &output) {}
    }

    /// One deflate call into fresh space at the end of `output`; returns whether the stream ended.
    @discardableResult
    private func run(flush: Int32, into output: inout [UInt8]) throws(Failure) -> Bool {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: Self.chunk))
        let (status, produced) = output.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
            stream.pointee.next_out = buffer.baseAddress.map { $0 + start }
            stream.pointee.avail_out = UInt32(truncatingIfNeeded: Self.chunk)
            let status = CCompressZlib.deflate(stream, flush)
            return (status, Self.chunk - Int(stream.pointee.avail_out))
        }
        output.removeLast(Self.chunk - produced)
        totalOut += produced
        switch status {
        case Z_STREAM_END: return true
        case Z_OK, Z_BUF_ERROR: return false
        default: throw Failure(message: "zlib deflate failed (status \(status))")
        }
    }
}
