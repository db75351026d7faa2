/// Where each held row goes when rows are grouped by partition (partitions in number order,
/// which is first-seen order; rows of a partition in arrival order): a counting sort, done
/// once and shared by the text ranking and the final ordering.
struct PartitionLayout {
    /// For each held row (in arrival order), its place in the grouped order.
    let places: [UInt32]
    /// Partition `p` is places `bounds[p] ..< bounds[p + 1]`; the row count is last.
    let bounds: [Int]
    /// The row count of the largest partition.
    let largest: Int

    /// The layout of rows whose partition numbers are `partitions`, numbered `0 ..< count`.
    init(partitions: [Int32], count: Int) {
        let n = partitions.count
        var bounds = [Int](repeating: 0, count: count + 1)
        for p in partitions { bounds[Int(p) + 1] += 1 }
        var largest = 0
        for p in 0..<count {
            largest = Swift.max(largest, bounds[p + 1])
            bounds[p + 1] += bounds[p]
        }
        var next = bounds
        places = [UInt32](unsafeUninitializedCapacity: n) { out, initialized in
            partitions.withUnsafeBufferPointer { partitions in
                next.withUnsafeMutableBufferPointer { next in
                    for row in 0..<n {
                        let p = Int(partitions[row])
                        out[row] = UInt32(truncatingIfNeeded: next[p])
                        next[p] += 1
                    }
                }
            }
            initialized = n
        }
        self.bounds = bounds
        self.largest = largest
    }
}
