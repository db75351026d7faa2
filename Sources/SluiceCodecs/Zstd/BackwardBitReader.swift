// The backward bit reader of zstd (RFC 8878), written from scratch for Sluice.

/// Reads a zstd backward bitstream: the stream is read from its last byte towards its first,
/// and the highest set bit of the last byte marks where the data starts. Reads past the start
/// yield garbage but are detected: ``isOverflowed`` / ``isFinished``.
struct BackwardBitReader {
    enum Status { case unfinished, endOfBuffer, completed, overflow }

    private let start: UnsafeRawPointer
    private var pointer: UnsafeRawPointer
    private(set) var container: UInt64
    /// Bits of `container` already consumed, counted from its top.
    private(set) var consumed: Int

    /// `bytes` must be non-empty, with a non-zero last byte.
    init(_ bytes: UnsafeRawBufferPointer, what: @autoclosure () -> String) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw CodecError("zstd: \(what()): empty bitstream") }
        let last = bytes[bytes.count - 1]
        guard last != 0 else { throw CodecError("zstd: \(what()): bitstream has no end marker") }
        start = base
        let marker = last.leadingZeroBitCount + 1
        if bytes.count >= 8 {
            pointer = base + (bytes.count - 8)
            container = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
            consumed = marker
        } else {
            pointer = base
            var value: UInt64 = 0
            for i in 0..<bytes.count { value |= UInt64(bytes[i]) << (8 * i) }
            container = value
            consumed = marker + 8 * (8 - bytes.count)
        }
    }

    /// The next `count` (0...57 after a reload) bits, not consumed.
    @inline(__always)
    func peek(_ count: Int) -> UInt64 {
        ((container &<< UInt64(truncatingIfNeeded: consumed)) &>> 1) &>> UInt64(truncatingIfNeeded: 63 - count)
    }

    @inline(__always)
    mutating func skip(_ count: Int) { consumed &+= count }

    @inline(__always)
    mutating func read(_ count: Int) -> UInt64 {
        let value = peek(count)
        consumed &+= count
        return value
    }

    /// Refills the container; after `.unfinished` at least 57 bits can be read.
    @inline(__always)
    @discardableResult
    mutating func reload() -> Status {
        if consumed > 64 { return .overflow }
        if pointer - start >= 8 {
            pointer -= consumed >> 3
            consumed &= 7
            container = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
            return .unfinished
        }
        if pointer == start { return consumed < 64 ? .endOfBuffer : .completed }
        var bytes = consumed >> 3
        var status = Status.unfinished
        if bytes > pointer - start {
            bytes = pointer - start
            status = .endOfBuffer
        }
        pointer -= bytes
        consumed -= bytes * 8
        container = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
        return status
    }

    /// Every bit was read, no more.
    var isFinished: Bool { pointer == start && consumed == 64 }
    var isOverflowed: Bool { consumed > 64 }
}
