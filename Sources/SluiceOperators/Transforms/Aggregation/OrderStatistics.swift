/// The k-th smallest value of a group's doubles and the one after it, which is all a median
/// or an interpolated percentile needs.
///
/// Large groups are narrowed by radix: each double maps to an unsigned key in the same order,
/// one pass finds the keys' range, one counts them into 2,048 buckets by the bits just below
/// the range's common prefix, and one moves the bucket holding the k-th value to the front,
/// where the search goes on. Each pass reads the values in order with few branches, where
/// Hoare's selection (kept for small groups) compares and swaps about three times per value
/// with unpredictable branches; on the tens of thousands of values per group of a median
/// over millions of rows this is several times faster.
enum OrderStatistics {
    /// Groups up to this size use Hoare's selection directly.
    static let radixThreshold = 256
    private static let bucketBits = 11

    /// The `k`-th smallest of `values` (0-based) and the `k + 1`-th (`nil` when `k` is the
    /// last position), reordering `values`. `values` must hold no NaN and `k` must be a valid
    /// position.
    static func pair(_ values: UnsafeMutableBufferPointer<Double>, _ k: Int) -> (Double, Double?) {
        let n = values.count
        guard n > radixThreshold else {
            MedianAccumulator.select(values, k)
            guard k + 1 < n else { return (values[k], nil) }
            var upper = values[k + 1]
            for i in (k + 2)..<n where values[i] < upper { upper = values[i] }
            return (values[k], upper)
        }
        var low = UInt64.max
        var high = UInt64.min
        for value in values {
            let key = sortKey(value)
            low = min(low, key)
            high = max(high, key)
        }
        guard low != high else { return (values[0], k + 1 < n ? values[0] : nil) }
        // The keys share their bits above `width`; bucket by the `bucketBits` just below.
        let width = 64 - (low ^ high).leadingZeroBitCount
        let shift = max(0, width - bucketBits)
        let base = low >> shift
        var counts = [Int](repeating: 0, count: 1 << bucketBits)
        counts.withUnsafeMutableBufferPointer { counts in
            for value in values { counts[Int((sortKey(value) >> shift) &- base)] += 1 }
        }
        var bucket = 0
        var before = 0
        while before + counts[bucket] <= k {
            before += counts[bucket]
            bucket += 1
        }
        // The bucket's values to the front, the others after them in any order.
        let wanted = UInt64(bucket)
        var inBucket = 0
        for i in 0..<n where (sortKey(values[i]) >> shift) &- base == wanted {
            values.swapAt(inBucket, i)
            inBucket += 1
        }
        // At least two buckets hold values (the lowest and highest keys differ above
        // `shift`), so the search narrows every time.
        let (lower, next) = pair(UnsafeMutableBufferPointer(rebasing: values[0..<inBucket]), k - before)
        if let next { return (lower, next) }
        guard k + 1 < n else { return (lower, nil) }
        // The next value up is the smallest of the higher buckets.
        var upper = Double.infinity
        for value in values[inBucket...] where (sortKey(value) >> shift) &- base > wanted && value < upper { upper = value }
        return (lower, upper)
    }

    /// An unsigned key in the order of the doubles (negative values reversed below the
    /// positive ones; -0 just below +0).
    @inline(__always)
    static func sortKey(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }
}
