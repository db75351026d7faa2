import SluiceCore

/// The per-run state of a ``GraceJoin``: the records of each partition (buffered or written
/// to spill files), tagged with their places in the input, and per input batch where its
/// records start and which fields it had, so the output can be cut back into the batches
/// the in-memory join would give.
public struct GraceJoinState: Sendable {
    /// The records by partition: one per lookup partition, and one for keys that never match.
    var left: JoinPartitionFiles
    /// The place the next record takes.
    private(set) var nextSequence = 0
    /// Per input batch with records: the place of its first record.
    private(set) var batchStarts: [Int] = []
    /// Per input batch with records: its field list, as an index into ``layouts``.
    private(set) var batchLayouts: [Int32] = []
    /// The distinct field lists of the input batches.
    private(set) var layouts: [[String]] = []
    private var layoutIDs: [[String]: Int32] = [:]

    init(left: JoinPartitionFiles) {
        self.left = left
    }

    /// Counts a non-empty input batch; returns the place of its first record.
    mutating func register(_ batch: RecordBatch) -> Int {
        let id: Int32
        if let known = layoutIDs[batch.fields] {
            id = known
        } else {
            id = Int32(layouts.count)
            layoutIDs[batch.fields] = id
            layouts.append(batch.fields)
        }
        let first = nextSequence
        batchStarts.append(first)
        batchLayouts.append(id)
        nextSequence += batch.count
        return first
    }

    /// About how many bytes the state holds.
    var estimatedBytes: Int {
        left.estimatedBytes + batchStarts.capacity * 8 + batchLayouts.capacity * 4
            + layouts.reduce(0) { total, fields in total + 64 + fields.reduce(0) { $0 + $1.utf8.count + 32 } }
    }
}
