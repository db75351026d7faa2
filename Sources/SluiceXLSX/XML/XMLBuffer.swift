/// The tokenizer's window on the document: one growable allocation, freed with the tokenizer.
final class XMLBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Moves bytes `from ..< to` to the start of the buffer.
    func compact(from: Int, to: Int) {
        guard from > 0 else { return }
        if to > from { UnsafeMutableRawPointer(base).copyMemory(from: base + from, byteCount: to - from) }
    }

    /// Doubles the capacity (at most to `limit`), keeping the first `count` bytes.
    func grow(keeping count: Int, limit: Int) -> Bool {
        guard capacity < limit else { return false }
        let newCapacity = min(limit, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
        return true
    }
}
