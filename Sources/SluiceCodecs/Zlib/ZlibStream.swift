// zlib driven directly through CompressNIO's `CCompressZlib` module rather than through
// CompressNIO's `ZlibDecompressor`: that API reports neither where a gzip member ended (so
// concatenated members cannot be decoded) nor zlib's own error messages, and it works on NIO
// ByteBuffers where the codecs need to bound the output of every call.
import CCompressZlib

/// The zlib container a stream uses.
enum ZlibFormat: Sendable {
    /// gzip members (RFC 1952): zlib checks the header, the CRC-32 and the size.
    case gzip
    /// Raw deflate (RFC 1951), no header or trailer.
    case deflate

    /// zlib's `windowBits` for this format: 15 (a 32 KB window), negated for raw deflate,
    /// plus 16 for gzip.
    var windowBits: Int32 { self == .gzip ? 15 + 16 : -15 }

    var name: String { self == .gzip ? "gzip" : "deflate" }
}

/// One zlib `z_stream` in inflate mode. The stream lives at a fixed address for its lifetime,
/// as zlib requires. A decompressor owns its inflater alone; it is never shared between
/// threads, which is what makes the unchecked `Sendable` sound.
final class ZlibInflater: @unchecked Sendable {
    private let stream: UnsafeMutablePointer<z_stream>
    let format: ZlibFormat

    init(format: ZlibFormat) throws {
        self.format = format
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = CCompressZlib_inflateInit2(stream, format.windowBits)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw CodecError("\(format.name): zlib could not start an inflater (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Starts a new member (gzip) after the previous one ended.
    func reset() throws {
        let status = inflateReset(stream)
        guard status == Z_OK else { throw CodecError("\(format.name): zlib could not reset (status \(status))") }
    }

    /// The outcome of one ``inflate(_:_:)`` call.
    struct Step {
        var consumed: Int
        var produced: Int
        /// The member (or raw deflate stream) ended in this call.
        var ended: Bool
    }

    /// Inflates from `input` into `output`, both at most 4 GB per call. Throws on corrupt data
    /// with zlib's message and the offset `inputOffset + position` of the failing byte.
    func inflate(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, inputOffset: Int) throws -> Step {
        let inCount = min(input.count, Int(UInt32.max))
        let outCount = min(output.count, Int(UInt32.max))
        stream.pointee.avail_in = UInt32(inCount)
        stream.pointee.next_in = inCount == 0
            ? nil : UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_out = UInt32(outCount)
        stream.pointee.next_out = outCount == 0 ? nil : output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let status = CCompressZlib.inflate(stream, Z_NO_FLUSH)
        let consumed = inCount - Int(stream.pointee.avail_in)
        let produced = outCount - Int(stream.pointee.avail_out)
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        switch status {
        case Z_STREAM_END:
            return Step(consumed: consumed, produced: produced, ended: true)
        case Z_OK, Z_BUF_ERROR:
            return Step(consumed: consumed, produced: produced, ended: false)
        case Z_NEED_DICT:
            throw CodecError("\(format.name): stream needs a preset dictionary at byte \(inputOffset + consumed)")
        case Z_MEM_ERROR:
            throw CodecError("\(format.name): zlib ran out of memory at byte \(inputOffset + consumed)")
        default:
            let reason = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
            throw CodecError("\(format.name): corrupt data at byte \(inputOffset + consumed): \(reason)")
        }
    }
}

/// One zlib `z_stream` in deflate mode; owned by one compressor alone, like ``ZlibInflater``.
final class ZlibDeflater: @unchecked Sendable {
    private let stream: UnsafeMutablePointer<z_stream>
    let format: ZlibFormat

    /// `level` is zlib's 0–9 (`nil`: zlib's default, 6).
    init(format: ZlibFormat, level: Int?) throws {
        self.format = format
        let zlevel: Int32
        if let level {
            guard (0...9).contains(level) else { throw CodecError("\(format.name): compression level \(level) is not in 0...9") }
            zlevel = Int32(level)
        } else {
            zlevel = Z_DEFAULT_COMPRESSION
        }
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = CCompressZlib_deflateInit2(stream, zlevel, Z_DEFLATED, format.windowBits, 8, Z_DEFAULT_STRATEGY)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw CodecError("\(format.name): zlib could not start a deflater (status \(status))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses all of `input` (and, when `finish`, everything held back plus the trailer),
    /// appending to `output`.
    func deflate(_ input: UnsafeRawBufferPointer, finish: Bool, into output: inout [UInt8]) throws {
        var offset = 0
        while true {
            let inCount = min(input.count - offset, Int(UInt32.max))
            let bound = Int(deflateBound(stream, UInt(inCount)))
            let room = max(bound, 64 * 1024)
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: room))
            var status: Int32 = Z_OK
            var consumed = 0
            var produced = 0
            output.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress.map { $0 + start }
                stream.pointee.avail_in = UInt32(inCount)
                stream.pointee.next_in = inCount == 0
                    ? nil : UnsafeMutablePointer(mutating: input.baseAddress.map { ($0 + offset).assumingMemoryBound(to: UInt8.self) })
                stream.pointee.avail_out = UInt32(room)
                stream.pointee.next_out = base
                status = CCompressZlib.deflate(stream, finish && offset + inCount == input.count ? Z_FINISH : Z_NO_FLUSH)
                consumed = inCount - Int(stream.pointee.avail_in)
                produced = room - Int(stream.pointee.avail_out)
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
            }
            output.removeLast(room - produced)
            offset += consumed
            switch status {
            case Z_STREAM_END:
                return
            case Z_OK, Z_BUF_ERROR:
                // Not finishing: done once all input is taken and zlib left output room unused.
                if !finish && offset == input.count && produced < room { return }
            default:
                throw CodecError("\(format.name): zlib compression failed (status \(status))")
            }
        }
    }
}
