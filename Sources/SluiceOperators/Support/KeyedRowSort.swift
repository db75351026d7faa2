/// A row number with the unsigned key it sorts by.
struct KeyedRow: Sendable, Equatable {
    var key: UInt64
    var row: UInt32
}

/// A stable sort of ``KeyedRow``s by key: insertion sort for short runs, otherwise an LSD
/// radix sort by bytes that skips every byte on which all keys agree.
///
/// Keys are usually packed from a few narrow fields (a 20-bit text rank and a 20-bit id), so
/// most of their bytes are constant and a million rows sort in a handful of linear passes
/// instead of twenty comparisons each through a closure.
enum KeyedRowSort {
    /// Below this many rows insertion sort beats the radix passes' fixed costs.
    static let insertionLimit = 48

    /// Sorts `rows` by key, rows with equal keys keeping their order. `scratch` must hold at
    /// least `rows.count` elements once there are more than ``insertionLimit``; its contents
    /// are overwritten.
    static func sort(_ rows: UnsafeMutableBufferPointer<KeyedRow>, scratch: UnsafeMutableBufferPointer<KeyedRow>) {
        let n = rows.count
        guard n > 1, let base = rows.baseAddress else { return }
        let first = base[0].key
        var differing: UInt64 = 0
        var sorted = true
        var previous = first
        for i in 0..<n {
            let key = base[i].key
            differing |= key ^ first
            if key < previous { sorted = false }
            previous = key
        }
        guard !sorted else { return }
        if n <= insertionLimit {
            insertionSort(base, n)
            return
        }
        guard scratch.count >= n, let spare = scratch.baseAddress else {
            insertionSort(base, n)
            return
        }
        radixSort(base, spare, n, differing: differing)
    }

    @inline(__always)
    private static func insertionSort(_ a: UnsafeMutablePointer<KeyedRow>, _ n: Int) {
        for i in 1..<n {
            let x = a[i]
            var j = i
            while j > 0, a[j - 1].key > x.key {
                a[j] = a[j - 1]
                j -= 1
            }
            a[j] = x
        }
    }

    /// One counting pass per byte that varies (`differing` has a set bit in it), least
    /// significant first; each pass is stable, so the whole sort is.
    private static func radixSort(_ rows: UnsafeMutablePointer<KeyedRow>, _ spare: UnsafeMutablePointer<KeyedRow>, _ n: Int, differing: UInt64) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            guard let counts = counts.baseAddress else { return }
            var source = rows
            var target = spare
            for shift in stride(from: UInt64(0), to: 64, by: 8) where (differing >> shift) & 0xFF != 0 {
                counts.initialize(repeating: 0, count: 256)
                for i in 0..<n { counts[Int(truncatingIfNeeded: (source[i].key >> shift) & 0xFF)] += 1 }
                var total = 0
                for digit in 0..<256 {
                    let c = counts[digit]
                    counts[digit] = total
                    total += c
                }
                for i in 0..<n {
                    let element = source[i]
                    let digit = Int(truncatingIfNeeded: (element.key >> shift) & 0xFF)
                    target[counts[digit]] = element
                    counts[digit] += 1
                }
                swap(&source, &target)
            }
            if source != rows { rows.update(from: source, count: n) }
        }
    }
}
