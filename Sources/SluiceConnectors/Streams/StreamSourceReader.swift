import Logging
import SluiceCore

/// The reader of a stream source: gathers the messages the connection task decoded into
/// batches of `batchSize` records, handing a partial batch on after a short quiet spell so a
/// slow stream still moves, and ends the read at `maxRecords` or `maxDurationMs`; a continuous
/// read hands on an empty chunk when nothing arrived for a moment, so its job can commit and
/// notice a stop, and ends only when the job stops or the connection fails for good. Dropping the
/// reader (or the job being stopped) cancels the connection task, which closes the connection.
final class StreamSourceReader: BatchReader {
    private let queue: StreamQueue
    private let connection: Task<Void, Never>
    private let settings: StreamSettings
    private let end: ContinuousClock.Instant?
    private var records: [ValueObject] = []
    private var positions: [Int] = []
    private var rejected: [Rejection] = []
    private var bytes = 0
    private var delivered = 0
    private var finished = false
    private var failure: (any Error)?
    /// When the oldest record or rejection not yet handed on arrived.
    private var pendingSince: ContinuousClock.Instant?

    /// A read of `connector`'s stream, with a queue sized for a couple of batches (and at least
    /// one message of the largest size allowed).
    convenience init(connector: any StreamConnector, settings: StreamSettings, location: String, logger: Logger) {
        let queue = StreamQueue(capacity: max(64, settings.batchSize * 2), capacityBytes: max(32 << 20, settings.maxMessageBytes))
        self.init(supervisor: StreamSupervisor(connector: connector, queue: queue, settings: settings, location: location, logger: logger))
    }

    init(supervisor: StreamSupervisor) {
        queue = supervisor.queue
        settings = supervisor.settings
        end = settings.maxDuration.map { .now + $0 }
        connection = Task { await supervisor.run() }
    }

    deinit {
        connection.cancel()
        queue.close()
    }

    func next() async throws -> SourceChunk? {
        while !finished {
            if records.count >= settings.batchSize { return take() }
            let wait = end.map { $0 - ContinuousClock.now }
            if let wait, wait <= .zero {
                takeArrived()  // maxDurationMs is over
                break
            }
            let hasPending = !records.isEmpty || !rejected.isEmpty
            // A continuous read hands a partial batch on once its first record is quietFlush
            // old, even while messages keep trickling in: its job commits by time too.
            var flushIn = settings.quietFlush
            if settings.continuous, hasPending, let pendingSince {
                flushIn = settings.quietFlush - (ContinuousClock.now - pendingSince)
                if flushIn <= .zero { return take() }
            }
            let item: StreamItem?
            if let wait {
                item = await queue.receive(timeout: hasPending ? min(wait, settings.quietFlush) : wait)
            } else if hasPending {
                item = await queue.receive(timeout: flushIn)
            } else if settings.continuous {
                item = await queue.receive(timeout: settings.idlePoll)
            } else {
                item = await queue.receive()
            }
            if Task.isCancelled {
                stop()
                throw CancellationError()
            }
            switch item {
            case nil:
                if hasPending || settings.continuous { return take() }
            case .message(let message)?:
                add(message)
            case .failed(let error)?:
                stop()
                failure = error
            case .ended?:
                stop()
            }
        }
        // The read is over: what is pending goes out first, then the failure if there was one.
        if !records.isEmpty || !rejected.isEmpty { return take() }
        if let failure {
            self.failure = nil
            throw failure
        }
        return nil
    }

    private func add(_ message: StreamMessage) {
        if records.isEmpty, rejected.isEmpty { pendingSince = .now }
        bytes += message.bytes
        rejected += message.rejected
        var taken = message.records[...]
        if let maxRecords = settings.maxRecords {
            taken = taken.prefix(max(0, maxRecords - delivered))
        }
        delivered += taken.count
        records += taken
        positions += repeatElement(message.position, count: taken.count)
        if let maxRecords = settings.maxRecords, delivered >= maxRecords { stop() }
    }

    /// Ends the read at `maxDurationMs`: the connection is closed first, then the messages that
    /// had already arrived (at most a queue's worth) are kept, so a job that was slow to ask for
    /// its next batch still gets what the stream sent in time.
    private func takeArrived() {
        connection.cancel()
        while !finished, let item = queue.poll() {
            switch item {
            case .message(let message): add(message)
            case .failed(let error): failure = error
            case .ended: stop()
            }
            if failure != nil { break }
        }
        stop()
    }

    /// Ends the read: the connection task is cancelled and closes its connection.
    private func stop() {
        finished = true
        connection.cancel()
        queue.close()
    }

    /// The pending records and rejections as one chunk.
    private func take() -> SourceChunk {
        let count = min(records.count, settings.batchSize)
        let batch = RecordBatch(records: Array(records[..<count]), positions: Array(positions[..<count]))
        records.removeFirst(count)
        positions.removeFirst(count)
        let chunk = SourceChunk(batch: batch, rejected: rejected, bytes: bytes)
        rejected = []
        bytes = 0
        pendingSince = records.isEmpty ? nil : .now
        return chunk
    }
}
