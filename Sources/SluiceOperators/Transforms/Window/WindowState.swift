import SluiceCore

/// The per-run state of a ``Window``: every batch so far, kept columnar as it arrived, and
/// each row's partition number (assigned as batches arrive, so hashing the partition keys
/// overlaps with reading).
public struct WindowState: Sendable {
    var held: [RecordBatch] = []
    /// The partition number of every held row, in arrival order.
    var partitionIds: [Int32] = []
    /// Numbers partitions in first-seen order; keeps key bytes, not key values.
    var partitions: GroupIndex
    private(set) var heldBytes = 0
    /// The rows of each partition so far (held or spilled), and the most any partition has.
    private var partitionSizes: [Int32] = []
    private(set) var largestPartition = 0
    /// Sorted runs spilled to disk, in input order (see ``Window/spill(_:to:)``).
    var runs: [SpillRun] = []
    /// The number of partitions of a chunk finished after a spill, whose rows are numbered
    /// without the partition table.
    var partitionCount: Int {
        get { chunkPartitions ?? partitions.count }
        set { chunkPartitions = newValue }
    }
    private var chunkPartitions: Int?

    init(partitionFields: Int) {
        partitions = GroupIndex(fieldCount: partitionFields, storesKeys: false)
    }

    /// The number of rows held.
    public var rowCount: Int { partitionIds.count }

    /// Holds `batch`, whose rows fall in partitions `ids`.
    mutating func hold(_ batch: RecordBatch, partitions ids: [Int32]) {
        held.append(batch)
        partitionIds.append(contentsOf: ids)
        heldBytes += batch.storageBytes
        guard let top = ids.max() else { return }
        if partitionSizes.count <= Int(top) {
            partitionSizes.append(contentsOf: repeatElement(0, count: Int(top) + 1 - partitionSizes.count))
        }
        var largest = Int32(largestPartition)
        partitionSizes.withUnsafeMutableBufferPointer { sizes in
            for id in ids {
                sizes[Int(id)] &+= 1
                largest = Swift.max(largest, sizes[Int(id)])
            }
        }
        largestPartition = Int(largest)
    }

    /// Lets go of the first `batches` held batches (after they were spilled); the partition
    /// table and sizes stay.
    mutating func release(first batches: Int) {
        let released = held[..<batches]
        let rows = released.reduce(0) { $0 + $1.count }
        heldBytes -= released.reduce(0) { $0 + $1.storageBytes }
        held = Array(held[batches...])
        partitionIds = Array(partitionIds[rows...])
    }

    /// The held batches' column storage, plus the partition numbers, sizes and table.
    var estimatedBytes: Int {
        heldBytes + partitionIds.capacity * 4 + partitionSizes.capacity * 4 + partitions.estimatedBytes
    }
}
