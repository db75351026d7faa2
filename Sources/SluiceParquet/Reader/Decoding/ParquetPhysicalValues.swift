/// Values of a page as the file stores them, before conversion to Sluice's conventions: a
/// scratch buffer the value decoders fill a few thousand at a time.
///
/// INT32 values are held sign-extended in `ints` (their bit pattern is kept, so unsigned
/// readings recover it), FLOAT values widened into `doubles`, and BYTE_ARRAY,
/// FIXED_LEN_BYTE_ARRAY and INT96 values back to back in `bytes` with `count + 1` offsets.
struct ParquetPhysicalValues {
    var ints: [Int64] = []
    var doubles: [Double] = []
    var bools: [Bool] = []
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]

    /// Empties the buffers, keeping their capacity.
    mutating func removeAll() {
        ints.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        bools.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
    }

    /// Appends one byte-array value.
    @inline(__always)
    mutating func appendBytes(_ value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    /// The number of byte-array values held.
    var byteArrayCount: Int { offsets.count - 1 }

    /// Calls `body` with byte-array value `i`.
    @inline(__always)
    func withBytes<R>(at i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = offsets[i]
        let end = offsets[i + 1]
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }
}
