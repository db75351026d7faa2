import SluiceCore

/// Splits a join's lookup data into partitions on disk as it is read, then makes the
/// ``GraceJoin`` that joins each partition in memory: what the engine does for an inner or
/// left join (or a `lookup`) whose lookup data does not fit in the job's memory budget.
///
/// Lookup records are partitioned by a hash of their key (``JoinPartitioner``); a record
/// whose key can never match (null, missing) is left out, as no record can meet it. Rows are
/// buffered per partition and written to a new spill file whenever the buffers hold
/// ``flushBytes``. The fields of the whole lookup data set are kept in first-seen order (as
/// the in-memory join sees them), so every partition is joined with the same added fields.
public struct GraceJoinBuilder: Sendable {
    /// The join being prepared.
    public let join: Join
    /// Where the partitions are written.
    public let space: SpillSpace
    /// The buffered bytes past which the buffers are written out (for the records too).
    public let flushBytes: Int
    private let partitioner: JoinPartitioner
    private var files: JoinPartitionFiles
    private var fields: [String] = []
    private var knownFields = Set<String>()
    /// The lookup records read, with a key or not.
    public private(set) var rows = 0

    /// A builder writing `partitions` partitions to `space`. Throws ``SpecError`` at `type`
    /// for a right or full join, which must hold its whole lookup data in memory.
    public init(join: Join, partitions: Int = 16, space: SpillSpace, flushBytes: Int = 8 << 20) throws {
        guard join.partitionedJoin != nil else { throw Self.unsupported(join.kind) }
        self.join = join
        self.space = space
        self.flushBytes = max(1, flushBytes)
        partitioner = JoinPartitioner(count: partitions)
        files = JoinPartitionFiles(count: partitioner.count)
    }

    /// Why a join of kind `kind` cannot be partitioned.
    static func unsupported(_ kind: Join.Kind) -> SpecError {
        SpecError(
            path: "type",
            "a \(kind.rawValue) join holds its whole lookup data in memory (it emits the lookup records that matched nothing); "
                + "only inner and left joins move it to disk")
    }

    /// About how many bytes the buffered rows and the bookkeeping take.
    public var bufferedBytes: Int { files.estimatedBytes }

    /// Adds the lookup records of `batch` to their partitions, writing the buffers out when
    /// they hold ``flushBytes``.
    public mutating func append(_ batch: RecordBatch) throws {
        for field in batch.fields where knownFields.insert(field).inserted { fields.append(field) }
        guard !batch.isEmpty else { return }
        rows += batch.count
        files.append(batch, partitions: partitioner.partitions(of: batch, keyFields: join.keys.rightFields))
        if files.bufferedBytes >= flushBytes { try files.flush(to: space) }
    }

    /// Writes what is buffered and makes the join. Throws ``SpecError`` (relative to
    /// `config`) as the in-memory join does when the lookup data has records but lacks a key
    /// field or a requested field.
    public func finish() throws -> GraceJoin {
        if rows > 0 {
            // The in-memory join's own checks, on a record with every field of the data.
            let probe = RecordBatch(fields: fields, columns: fields.map { _ in Column.absent(count: 1) }, positions: [0])
            _ = try PreparedJoin(join: join, lookup: probe)
        }
        var files = files
        try files.flush(to: space)
        return GraceJoin(join: join, lookupFields: fields, lookup: files, partitioner: partitioner, space: space, flushBytes: flushBytes)
    }
}
