import Logging
import NIOCore
import PostgresNIO
import SluiceCore

/// One read of a ``PostgresCDCSource``: streams the peeked `pgoutput` messages (rows arrive
/// as they are consumed, so memory stays at one batch), turns them into change records and,
/// once the target committed them, advances the slot past what was delivered.
///
/// What is confirmed: the end of the last transaction whose changes were all returned by
/// ``next()``; when every change up to the read's bound was read (the read was not cut by
/// `maxChanges` nor by the server's row bound), that bound, which also moves the slot past
/// WAL that held no change for the publication (so the server can recycle it). A
/// transaction is never confirmed partly: a read that fails or is dropped confirms nothing
/// of the transaction it was in.
final class PostgresCDCReader: CommitAwareReader {
    private let pool: ConnectionPool<PostgresPooledConnection>
    /// The job's retries and the server's breaker, for the connection that confirms the slot.
    private let connectGuard: ConnectGuard
    private var leased: PostgresPooledConnection?
    private var rows: PostgresRowSequence.AsyncIterator?
    private var assembler: PostgresCDCChangeAssembler
    private let slot: String
    private let upto: PostgresCDCLSN
    private let maxChanges: Int?
    /// The server's bound on rows (`upto_nchanges`), if any.
    private let rowLimit: Int?
    private let batchSize: Int
    private let logger: Logger
    private var changesRead = 0
    private var rowsRead = 0
    private var nextPosition = 1
    /// End of the last transaction whose messages were all processed.
    private var processedCommit: PostgresCDCLSN?
    /// End of the last transaction whose changes were all returned by `next()`.
    private var deliveredCommit: PostgresCDCLSN?
    /// Whether every change up to `upto` was read (the peek was not cut at `maxChanges`, nor
    /// stopped by the server at its row bound, nor failed).
    private var readToEnd = false
    private var finished = false
    private var confirmed = false

    init(
        pool: ConnectionPool<PostgresPooledConnection>, connectGuard: ConnectGuard, leased: PostgresPooledConnection,
        rows: PostgresRowSequence,
        assembler: PostgresCDCChangeAssembler, slot: String, upto: PostgresCDCLSN, maxChanges: Int?, rowLimit: Int?,
        batchSize: Int, logger: Logger
    ) {
        self.pool = pool
        self.connectGuard = connectGuard
        self.leased = leased
        self.rows = rows.makeAsyncIterator()
        self.assembler = assembler
        self.slot = slot
        self.upto = upto
        self.maxChanges = maxChanges
        self.rowLimit = rowLimit
        self.batchSize = batchSize
        self.logger = logger
    }

    deinit {
        // Dropped mid-read: the connection is inside the read's transaction with rows
        // pending, so it is closed rather than reused.
        if let leased {
            let pool = pool
            Task { await pool.release(leased, broken: true) }
        }
    }

    /// The position ``targetCommitted()`` confirms, if any.
    var confirmablePosition: PostgresCDCLSN? {
        guard readToEnd else { return deliveredCommit }
        return max(deliveredCommit ?? upto, upto)
    }

    func next() async throws -> SourceChunk? {
        guard !finished else { return nil }
        var builder = PostgresCDCBatchBuilder(capacity: batchSize)
        var bytes = 0
        do {
            reading: while builder.count < batchSize {
                guard let (lsn, message) = try await nextMessage(bytes: &bytes) else {
                    try await finish(readToEnd: true)
                    break reading
                }
                switch try assembler.apply(message, lsn: lsn) {
                case .none:
                    break
                case .changes(let changes):
                    for change in changes { builder.append(change) }
                    changesRead += changes.count
                case .commit(let commit):
                    processedCommit = commit.endLSN
                    if let maxChanges, changesRead >= maxChanges {
                        try await finish(readToEnd: false)
                        break reading
                    }
                }
            }
        } catch {
            await fail()
            if let error = error as? PgOutputError { throw ConnectorError.io("postgres_cdc slot '\(slot)': \(error)") }
            throw error
        }
        // Every change of the transactions processed so far is in this batch or an earlier one.
        deliveredCommit = processedCommit
        if builder.count == 0 && finished { return nil }
        let batch = builder.build(firstPosition: nextPosition)
        nextPosition += builder.count
        return SourceChunk(batch: batch, bytes: bytes)
    }

    func targetCommitted() async throws {
        guard !confirmed, let position = confirmablePosition else { return }
        let slot = slot
        let logger = logger
        try await pool.withConnection(guarded: connectGuard) { leased in
            try await PostgresCDCSession(connection: leased.connection, slot: slot, logger: logger).advance(to: position)
        }
        confirmed = true
        logger.debug("confirmed replication slot", metadata: ["slot": "\(slot)", "lsn": "\(position)"])
    }

    /// The next message and its LSN, or nil at the end of the peek.
    private func nextMessage(bytes: inout Int) async throws -> (PostgresCDCLSN, PgOutputMessage)? {
        guard var iterator = rows else { return nil }
        let row: PostgresRow?
        do {
            row = try await iterator.next()
        } catch {
            throw ConnectorError.io("postgres_cdc cannot read slot '\(slot)': \(PostgresErrorText.describe(error))")
        }
        rows = iterator
        guard let row else { return nil }
        rowsRead += 1
        let (text, data) = try row.decode((String, ByteBuffer).self)
        guard let lsn = PostgresCDCLSN(text) else { throw PgOutputError("the server sent the LSN '\(text)'") }
        bytes += data.readableBytes
        return (lsn, try PgOutputDecoder.decode(Array(data.readableBytesView)))
    }

    /// Ends the read. At the end of the peek the transaction is committed and the connection
    /// goes back to the pool; a read cut short closes the connection, which is quicker than
    /// draining the rows left.
    private func finish(readToEnd: Bool) async throws {
        finished = true
        rows = nil
        guard let connection = leased else { return }
        leased = nil
        guard readToEnd else {
            await pool.release(connection, broken: true)
            return
        }
        do {
            try await PostgresCDCSession(connection: connection.connection, slot: slot, logger: logger).commit()
        } catch {
            await pool.release(connection, broken: true)
            throw ConnectorError.io("postgres_cdc cannot end the read of slot '\(slot)': \(PostgresErrorText.describe(error))")
        }
        await pool.release(connection)
        // A server that stopped at its row bound did not read up to `upto`.
        self.readToEnd = rowLimit.map { rowsRead < $0 } ?? true
    }

    /// Ends a failed read: nothing more is read and the connection is closed.
    private func fail() async {
        finished = true
        readToEnd = false
        rows = nil
        if let connection = leased {
            leased = nil
            await pool.release(connection, broken: true)
        }
    }
}
