import SluiceCore

/// One side of a ``GraceJoin`` split into partitions: the rows of each partition buffered in
/// memory, and what earlier flushes wrote to spill files.
///
/// A flush writes every partition's buffer to one new spill file, a frame per run of
/// buffered pieces that share their fields (so a frame reads back with the fields its rows
/// had, and rows of batches with other fields are never widened). Reading a partition gives
/// its frames in the order written, then what is still buffered: its rows in the order they
/// were appended.
///
/// The spill files are freed when the last copy of the value goes away.
struct JoinPartitionFiles: Sendable {
    /// Where a frame of a partition is: a file of ``runs`` and a frame in it.
    struct FrameRef: Sendable {
        let run: Int32
        let frame: Int32
    }

    /// The number of partitions.
    let count: Int
    /// The files written so far, in order.
    private(set) var runs: [SpillRun] = []
    /// Per partition, its frames in the order written.
    private(set) var frames: [[FrameRef]]
    /// Per partition, the pieces appended since the last flush.
    private var buffers: [[RecordBatch]]
    /// About how many bytes the buffers hold.
    private(set) var bufferedBytes = 0
    private var frameCount = 0

    /// No partition holds anything yet.
    init(count: Int) {
        self.count = count
        frames = Array(repeating: [], count: count)
        buffers = Array(repeating: [], count: count)
    }

    /// Adds each row of `batch` to partition `partitions[row]`; rows whose partition is not
    /// in `0..<count` are left out.
    mutating func append(_ batch: RecordBatch, partitions: [Int32]) {
        guard !batch.isEmpty else { return }
        if let first = partitions.first, partitions.allSatisfy({ $0 == first }) {
            guard first >= 0, Int(first) < count else { return }
            hold(batch, in: Int(first))
            return
        }
        var rows = [[Int]](repeating: [], count: count)
        for (row, partition) in partitions.enumerated() where partition >= 0 && Int(partition) < count {
            rows[Int(partition)].append(row)
        }
        for (partition, selected) in rows.enumerated() where !selected.isEmpty {
            hold(batch.selecting(selected), in: partition)
        }
    }

    private mutating func hold(_ piece: RecordBatch, in partition: Int) {
        buffers[partition].append(piece)
        bufferedBytes += piece.storageBytes
    }

    /// Writes every buffered row to one new spill file in `space` and empties the buffers.
    mutating func flush(to space: SpillSpace) throws {
        guard bufferedBytes > 0 || buffers.contains(where: { !$0.isEmpty }) else { return }
        var writer = try SpillWriter(space: space)
        var written: [(partition: Int, frame: Int32)] = []
        var frame: Int32 = 0
        for partition in 0..<count {
            var start = 0
            let pieces = buffers[partition]
            while start < pieces.count {
                var end = start + 1
                while end < pieces.count, pieces[end].fields == pieces[start].fields { end += 1 }
                let chunk = BatchConcatenation.concatenate(Array(pieces[start..<end]))
                start = end
                guard !chunk.isEmpty else { continue }
                // One frame per chunk, so frame numbers count appends.
                try writer.append(chunk, frameRows: chunk.count)
                written.append((partition, frame))
                frame += 1
            }
        }
        let run = try writer.finish()
        let runIndex = Int32(runs.count)
        runs.append(run)
        for (partition, frame) in written { frames[partition].append(FrameRef(run: runIndex, frame: frame)) }
        frameCount += written.count
        buffers = Array(repeating: [], count: count)
        bufferedBytes = 0
    }

    /// Whether partition `partition` has no rows, written or buffered.
    func isEmpty(_ partition: Int) -> Bool { frames[partition].isEmpty && buffers[partition].isEmpty }

    /// About how many bytes the value holds: the buffers and a few words per frame written.
    var estimatedBytes: Int { bufferedBytes + frameCount * 16 + runs.count * 64 }

    /// Partition `partition`'s rows: its frames read back, then its buffered pieces.
    func stream(of partition: Int) -> any BatchStream {
        JoinPartitionStream(runs: runs, frames: frames[partition], buffered: buffers[partition])
    }
}

/// The batches of one partition of ``JoinPartitionFiles``, read back a frame at a time.
final class JoinPartitionStream: BatchStream {
    private let runs: [SpillRun]
    private let frames: [JoinPartitionFiles.FrameRef]
    private let buffered: ArrayBatchStream
    private var index = 0

    init(runs: [SpillRun], frames: [JoinPartitionFiles.FrameRef], buffered: [RecordBatch]) {
        self.runs = runs
        self.frames = frames
        self.buffered = ArrayBatchStream(buffered)
    }

    func next() throws -> RecordBatch? {
        guard index < frames.count else { return try buffered.next() }
        let ref = frames[index]
        index += 1
        return try runs[Int(ref.run)].batch(Int(ref.frame))
    }
}
