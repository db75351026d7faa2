/// Raw byte output for the encoders: room reserved once per batch, then written through a
/// pointer without a capacity or uniqueness check per append.
enum OutputBytes {
    /// Appends at most `maxCount` bytes to `out`, written by `body` from the pointer it is
    /// given; `body` returns the end of what it wrote.
    ///
    /// An empty `out` is replaced by a fresh array of that capacity (no copy, no zeroing);
    /// otherwise the room is appended zeroed and the unused tail dropped again.
    static func append(
        to out: inout [UInt8], maxCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8>
    ) {
        guard maxCount > 0 else { return }
        if out.isEmpty, out.capacity < maxCount {
            out = [UInt8](unsafeUninitializedCapacity: maxCount) { buffer, count in
                guard let base = buffer.baseAddress else { return }
                count = body(base) - base
                precondition(count <= maxCount, "encoder wrote past the room it reserved")
            }
            return
        }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: maxCount))
        let written = out.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return body(base + start) - (base + start)
        }
        precondition(written <= maxCount, "encoder wrote past the room it reserved")
        out.removeLast(maxCount - written)
    }

    /// Copies `count` bytes; short copies (the usual key or cell) without a call to `memcpy`.
    @inline(__always)
    static func copy(_ source: UnsafePointer<UInt8>, count: Int, to p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(p)
        if count >= 8 {
            if count <= 16 {
                // Two overlapping 8-byte moves cover 8…16 bytes.
                let head = from.loadUnaligned(as: UInt64.self)
                let tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                to.storeBytes(of: head, as: UInt64.self)
                to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
            } else if count <= 32 {
                // Four 8-byte moves, the last two ending at the last byte, cover 17…32 bytes.
                let a = from.loadUnaligned(as: UInt64.self)
                let b = from.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                let c = from.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
                let d = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                to.storeBytes(of: a, as: UInt64.self)
                to.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
                to.storeBytes(of: c, toByteOffset: count - 16, as: UInt64.self)
                to.storeBytes(of: d, toByteOffset: count - 8, as: UInt64.self)
            } else {
                to.copyMemory(from: from, byteCount: count)
            }
        } else if count >= 4 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        } else {
            for i in 0..<count { p[i] = source[i] }
        }
        return p + count
    }

    /// Writes the bytes of `literal`; returns the end.
    @inline(__always)
    static func write(_ literal: StaticString, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        copy(literal.utf8Start, count: literal.utf8CodeUnitCount, to: p)
    }
}
