import Logging
import SluiceCore
import SluiceOperators

#if canImport(Glibc)
import Glibc
#endif

/// Streams a planned job: source → validation → transforms → target.
///
/// A CSV or NDJSON file is cut into blocks of whole records; up to `workers` blocks are
/// decoded, validated and run through the leading stateless transforms at once, on any
/// thread. Their results are taken back in source order, so the stateful transforms and the
/// target see exactly what a sequential run would, and output order is preserved. At most
/// `2 × workers` blocks are in flight (decoding or waiting for their turn), so a slow target
/// stops the reading (backpressure) and memory stays bounded by blocks in flight plus what
/// stateful steps hold, which `MAX_MEMORY_MB` limits. Refused records are collected for the
/// dead-letter queue, which the caller commits only after the target has committed.
public struct JobRunner: Sendable {
    /// How many record errors a job's stats carry inline (the DLQ holds them all).
    public static let maxErrorsInStats = 100

    /// Runs once. Never throws: a job-level failure is reported in ``JobOutcome/failure``.
    ///
    /// A pump over the plan: read lookups and open the target, open the input the plan says
    /// (records handed in, blocks, or a stream), push everything through, then finish the
    /// stateful steps and commit, or abort the target on any failure.
    public static func run(
        _ plan: JobPlan,
        settings: RunSettings = RunSettings(),
        records: [ValueObject]? = nil,
        collectLoaded: Bool = false,
        watermark: Watermark? = nil,
        logger: Logger,
        progress: (@Sendable (RunProgress) -> Void)? = nil,
        continuous: ContinuousHooks? = nil
    ) async -> JobOutcome {
        var settings = settings
        var granted = 0
        var session = RunSession(plan: plan, settings: settings, collectLoaded: collectLoaded, progress: progress)
        session.hooks = continuous
        session.logger = logger
        do {
            if let pool = settings.memoryPool {
                granted = try await pool.reserve(settings.memoryLimitBytes)
                settings.memoryLimitBytes = granted
                session = RunSession(plan: plan, settings: settings, collectLoaded: collectLoaded, progress: progress)
                session.hooks = continuous
                session.logger = logger
            }
            try await session.prepare()
            let input = try await session.openInput(records: records, watermark: watermark)
            try await session.pump(input)
            try await session.finish(logger: logger)
        } catch {
            await session.abort(error, logger: logger)
        }
        let outcome = session.outcome()
        if granted > 0 { settings.memoryPool?.release(granted) }
        // What the run allocated goes back to the system, not only to the allocator.
        MemoryRelease.trim()
        return outcome
    }

    /// Decodes blocks on up to `workers` child tasks and takes their results back in order.
    static func runBlocks(
        _ blocks: any BlockReader, prefix: PrefixStage, workers: Int, state: inout RunState,
        writer: (any TargetWriter)?, report: inout Reporter
    ) async throws {
        let window = workers * 2
        try await withThrowingTaskGroup(of: (Int, [PrefixStage.Output], Duration).self) { group in
            var nextSequence = 0
            var nextToAccept = 0
            var running = 0
            var ready: [Int: ([PrefixStage.Output], Duration)] = [:]
            var exhausted = false
            // One block read ahead, so a worker that frees up starts at once instead of
            // waiting for the read.
            var readAhead: SourceBlock?
            func read() async throws -> SourceBlock? {
                if let block = readAhead {
                    readAhead = nil
                    return block
                }
                let t0 = ContinuousClock.now
                defer { state.extraction += ContinuousClock.now - t0 }
                return try await blocks.nextBlock()
            }
            while !exhausted || running > 0 {
                // A cancelled run (a schedule's timeout) stops here; the caller aborts the target.
                try Task.checkCancellation()
                // Start blocks while there is room for more in flight and a worker is free.
                while !exhausted, running < workers, running + ready.count < window {
                    guard let block = try await read() else {
                        exhausted = true
                        break
                    }
                    let sequence = nextSequence
                    nextSequence += 1
                    running += 1
                    group.addTask {
                        let decodeStart = ContinuousClock.now
                        let chunks = try block.decode()
                        let decodeTime = ContinuousClock.now - decodeStart
                        return (sequence, try prefix.run(block: chunks), decodeTime)
                    }
                }
                if !exhausted, readAhead == nil, running + ready.count < window {
                    readAhead = try await read()
                    if readAhead == nil { exhausted = true }
                }
                guard running > 0, let (sequence, outputs, decodeTime) = try await group.next() else { continue }
                running -= 1
                ready[sequence] = (outputs, decodeTime)
                while let (outputs, decodeTime) = ready.removeValue(forKey: nextToAccept) {
                    state.extraction += decodeTime
                    for output in outputs { try await state.accept(output, writer: writer) }
                    nextToAccept += 1
                    try state.governResidentMemory()
                    report.tick(state, expectedBytes: blocks.expectedBytes)
                }
            }
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func milliseconds(_ d: Duration) -> Double { (seconds(d) * 1_000_000).rounded() / 1000 }

    /// Milliseconds since the Unix epoch.
    public static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// Calls the progress callback at most every 200 ms.
struct Reporter {
    let progress: (@Sendable (RunProgress) -> Void)?
    let started: ContinuousClock.Instant
    var last = ContinuousClock.now

    init(progress: (@Sendable (RunProgress) -> Void)?, started: ContinuousClock.Instant) {
        self.progress = progress
        self.started = started
    }

    mutating func tick(_ state: RunState, expectedBytes: Int?) {
        guard let progress, ContinuousClock.now - last > .milliseconds(200) else { return }
        last = ContinuousClock.now
        progress(RunProgress(
            recordsRead: state.stats.recordsExtracted, bytesRead: state.stats.bytesRead, expectedBytes: expectedBytes,
            elapsedSeconds: JobRunner.seconds(ContinuousClock.now - started), finished: false))
    }
}
