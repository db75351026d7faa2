#if canImport(Glibc)
import Glibc
#endif

/// Writes batches to one unnamed spill file; ``finish()`` turns it into a ``SpillRun`` to read
/// back. Frames are buffered and written in large writes.
public struct SpillWriter: ~Copyable {
    private let space: SpillSpace
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var frames: [SpillRun.Frame] = []
    private var written = 0
    private var rows = 0
    private var fields: [String] = []
    private var finished = false

    /// A writer on a new file in `space`.
    public init(space: SpillSpace) throws(SpillError) {
        self.space = space
        fd = try space.createFile()
    }

    /// Appends `batch` (an empty one is skipped), in frames of at most `frameRows` rows so it
    /// reads back a piece at a time.
    public mutating func append(_ batch: RecordBatch, frameRows: Int = 16_384) throws(SpillError) {
        for field in batch.fields where !fields.contains(field) { fields.append(field) }
        var start = 0
        while start < batch.count {
            let end = min(batch.count, start + max(1, frameRows))
            try append(batch, rows: start..<end)
            start = end
        }
    }

    private mutating func append(_ batch: RecordBatch, rows range: Range<Int>) throws(SpillError) {
        let t0 = ContinuousClock.now
        let start = buffer.count
        BatchFrame.encode(batch, rows: range, into: &buffer)
        frames.append(SpillRun.Frame(offset: written + start, length: buffer.count - start, rows: range.count))
        rows += range.count
        space.noteWrite(bytes: 0, time: ContinuousClock.now - t0)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private mutating func flush() throws(SpillError) {
        guard !buffer.isEmpty else { return }
        let t0 = ContinuousClock.now
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(written + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw SpillError(directory: space.directory, errno: n < 0 ? errno : ENOSPC, action: "write a spill file in") }
            done += n
        }
        written += buffer.count
        space.noteWrite(bytes: buffer.count, time: ContinuousClock.now - t0)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and hands the file over for reading.
    public consuming func finish() throws(SpillError) -> SpillRun {
        try flush()
        finished = true
        return SpillRun(space: space, fd: fd, frames: frames, rows: rows, bytes: written, fields: fields)
    }

    deinit {
        if !finished {
            close(fd)
            space.closed()
        }
    }
}

/// One finished spill file: its batches in the order written. The file is freed when the last
/// reference to the run goes away.
public final class SpillRun: Sendable {
    struct Frame: Sendable {
        let offset: Int
        let length: Int
        let rows: Int
    }

    private let space: SpillSpace
    private let fd: Int32
    let frames: [Frame]
    /// The rows written.
    public let rows: Int
    /// The file's size.
    public let bytes: Int
    /// The fields of the batches written, in first-seen order.
    public let fields: [String]

    init(space: SpillSpace, fd: Int32, frames: [Frame], rows: Int, bytes: Int, fields: [String]) {
        self.fields = fields
        self.space = space
        self.fd = fd
        self.frames = frames
        self.rows = rows
        self.bytes = bytes
    }

    /// The number of batches written.
    public var batchCount: Int { frames.count }

    /// Batch `index` as written.
    public func batch(_ index: Int) throws -> RecordBatch {
        let frame = frames[index]
        let t0 = ContinuousClock.now
        var bytes = [UInt8](repeating: 0, count: frame.length)
        var done = 0
        while done < frame.length {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, frame.length - done, off_t(frame.offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw SpillError(directory: space.directory, errno: n < 0 ? errno : EIO, action: "read back a spill file in") }
            done += n
        }
        defer { space.noteRead(time: ContinuousClock.now - t0) }
        return try BatchFrame.decode(bytes)
    }

    /// A stream over the run's batches, in order.
    public func stream() -> any BatchStream { SpillRunStream(run: self) }

    deinit {
        close(fd)
        space.closed()
    }
}

private final class SpillRunStream: BatchStream {
    let run: SpillRun
    var index = 0

    init(run: SpillRun) { self.run = run }

    func next() throws -> RecordBatch? {
        guard index < run.batchCount else { return nil }
        defer { index += 1 }
        return try run.batch(index)
    }
}
