import Logging
import SluiceCore

/// A continuous read of a ``PostgresCDCSource`` (`continuous: true`): streaming logical
/// replication from the slot's confirmed position (see ``PostgresReplicationStream``), turned
/// into change records as they arrive, until the job is stopped.
///
/// After each micro-batch's commit, ``targetCommitted()`` sends the server a standby status
/// update whose flushed position is the end of the last transaction whose changes were all
/// handed on, so the slot moves past it and a crash replays only what was not committed. While
/// no transaction is open, a keepalive's position is confirmed too (once everything before it
/// is committed), so a slot whose tables are quiet does not hold back the server's WAL.
final class PostgresCDCStreamReader: CommitAwareReader {
    private let connection: PostgresPooledConnection
    private let stream: PostgresReplicationStream.Started
    private var events: PostgresReplicationStream.Events.AsyncIterator
    private var assembler: PostgresCDCChangeAssembler
    private let slot: String
    private let batchSize: Int
    private let logger: Logger
    private var nextPosition = 1
    /// A Begin came whose Commit has not.
    private var inTransaction = false
    /// End of the last transaction whose messages were all processed (so its changes were
    /// all handed on by the time `next()` returned).
    private var processedCommit: PostgresCDCLSN?
    /// The latest keepalive position seen while no transaction was open.
    private var quietPosition: PostgresCDCLSN?
    /// What the server was last told.
    private var confirmed = PostgresCDCLSN(0)

    init(
        connection: PostgresPooledConnection, stream: PostgresReplicationStream.Started, assembler: PostgresCDCChangeAssembler, slot: String,
        batchSize: Int, logger: Logger
    ) {
        self.connection = connection
        self.stream = stream
        self.events = stream.events.makeAsyncIterator()
        self.assembler = assembler
        self.slot = slot
        self.batchSize = batchSize
        self.logger = logger
    }

    deinit {
        let connection = connection
        Task { await connection.close() }
    }

    /// How long one `next()` gathers changes at most: on a busy server keepalives come more
    /// often than idle ticks, and a partial batch must still go on (to be committed) promptly.
    static let gatherLimit = Duration.milliseconds(100)

    /// The changes that arrived, up to a batch; fewer (or none) when the stream went quiet or
    /// ``gatherLimit`` passed.
    func next() async throws -> SourceChunk? {
        var builder = PostgresCDCBatchBuilder(capacity: batchSize)
        var bytes = 0
        let deadline = ContinuousClock.now + Self.gatherLimit
        reading: while builder.count < batchSize, ContinuousClock.now < deadline {
            let event: PostgresReplicationStream.Event?
            do {
                event = try await events.next()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw ConnectorError.io("postgres_cdc slot '\(slot)': the replication stream failed: \(PostgresErrorText.describe(error))")
            }
            switch event {
            case nil:
                throw ConnectorError.io("postgres_cdc slot '\(slot)': the server ended the replication stream")
            case .idle?:
                break reading
            case .keepalive(let end, _)?:
                if !inTransaction { quietPosition = max(quietPosition ?? end, end) }
            case .data(let lsn, let payload)?:
                bytes += payload.count
                do {
                    let message = try PgOutputDecoder.decode(payload)
                    if case .begin = message { inTransaction = true }
                    switch try assembler.apply(message, lsn: lsn) {
                    case .none:
                        break
                    case .changes(let changes):
                        for change in changes { builder.append(change) }
                    case .commit(let commit):
                        inTransaction = false
                        processedCommit = commit.endLSN
                    }
                } catch {
                    throw ConnectorError.io("postgres_cdc slot '\(slot)' at \(lsn): \(error)")
                }
            }
        }
        let batch = builder.build(firstPosition: nextPosition)
        nextPosition += builder.count
        return SourceChunk(batch: batch, bytes: bytes)
    }

    /// Reports the position past every committed change to the server (a standby status
    /// update: written, flushed and applied alike).
    func targetCommitted() async throws {
        var position = processedCommit ?? confirmed
        if !inTransaction, let quietPosition { position = max(position, quietPosition) }
        guard position > confirmed else { return }
        confirmed = position
        stream.sendStatus(flushed: position)
        logger.debug("confirmed replication slot", metadata: ["slot": "\(slot)", "lsn": "\(position)"])
    }
}
