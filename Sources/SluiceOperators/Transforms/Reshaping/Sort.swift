import SluiceCore

/// Orders all records by one or more keys, as SQL's `ORDER BY`:
/// `{"by": [{"field": "amount", "direction": "desc", "nulls": "last"}, {"field": "id"}]}`.
///
/// Semantics follow DuckDB:
/// - Each key is `asc` (the default) or `desc`; nulls sort **last in both directions**
///   (DuckDB's default `NULLS LAST`) unless the key says `"nulls": "first"`. A bare field
///   name (`"by": ["id"]`) means ascending. A missing field or a record without it counts as null.
/// - The sort is stable: records with equal keys keep their input order (DuckDB leaves
///   that order open, so it can only differ from DuckDB on ties).
/// - Values compare by type: numbers numerically across ints and doubles (`-0.0` equals
///   `0`, NaN above infinity), text by its UTF-8 bytes (code point order, as DuckDB's
///   default collation), booleans false before true, timestamps by instant. A key holding
///   values of several kinds (something DuckDB's typed columns cannot) orders them by kind
///   first: booleans, numbers, text, timestamps, arrays, objects.
///
/// The sort holds its whole input, columnar as it arrived, and emits everything at the end:
/// the keys are packed into integer words and radix-sorted with the row numbers (the
/// window's ordering machinery), then the rows are gathered in order a slice at a time
/// (``finish(_:space:)``; ``finish(_:)`` gives them as one batch).
public struct Sort: StatefulTransform {
    /// The spec's operation name.
    public static let operation = "sort"
    public typealias State = SortState

    /// The `config` object of a sort step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The sort keys, most significant first.
        public var by: [WindowOrderSpec]

        /// A config sorting by `by`.
        public init(by: [WindowOrderSpec]) {
            self.by = by
        }
    }

    /// The validated keys.
    let keys: [WindowOrder]

    /// The key fields, most significant first.
    public var fields: [String] { keys.map(\.field) }

    /// Builds the sort; throws ``SpecError`` at `by` or the offending `by[i]` entry.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.by.isEmpty else {
            throw SpecError(path: "by", #"expected at least one sort key, as [{"field": "amount", "direction": "desc"}]"#)
        }
        var seen = Set<String>()
        var keys: [WindowOrder] = []
        for (i, spec) in config.by.enumerated() {
            guard !spec.field.isEmpty else { throw SpecError(path: "by[\(i)].field", "must name a field") }
            guard seen.insert(spec.field).inserted else { throw SpecError(path: "by[\(i)].field", "duplicate sort key '\(spec.field)'") }
            guard spec.direction == "asc" || spec.direction == "desc" else {
                throw SpecError(path: "by[\(i)].direction", "expected asc or desc, found '\(spec.direction)'")
            }
            guard spec.nulls == "first" || spec.nulls == "last" else {
                throw SpecError(path: "by[\(i)].nulls", "expected first or last, found '\(spec.nulls)'")
            }
            keys.append(WindowOrder(field: spec.field, descending: spec.direction == "desc", nullsFirst: spec.nulls == "first"))
        }
        self.keys = keys
    }

    /// A fresh state.
    public func makeState() -> SortState { SortState() }

    /// Holds `batch`; a sort emits nothing until the end and refuses no rows.
    public func consume(_ batch: RecordBatch, into state: inout SortState) throws -> BatchResult {
        state.hold(batch)
        return BatchResult(batch: .empty)
    }

    /// Every held row in key order (fields are the union of the batches' fields, in
    /// first-seen order; a batch without a field gives absent cells).
    public func finish(_ state: SortState) throws -> RecordBatch {
        let held = state.held
        guard state.rowCount > 0 else { return .empty }
        let scatter = RowScatter(sources: ordering(of: held, count: state.rowCount).sources)
        let fields = BatchConcatenation.fields(of: held)
        return RecordBatch(fields: fields, columns: fields.map { scatter.column($0, of: held) }, positions: scatter.positions(of: held))
    }

    /// The output place of each held row (in arrival order).
    func ordering(of held: [RecordBatch], count: Int) -> WindowOrdering {
        let layout = PartitionLayout(partitions: [Int32](repeating: 0, count: count), count: 1)
        let sortKeys = SortKeys(
            keys.map { key in
                (held.contains { $0.index(of: key.field) != nil } ? BatchConcatenation.column(key.field, of: held) : nil, key)
            },
            layout: layout)
        return WindowOrdering(layout: layout, keys: sortKeys, needsKeyChanges: false)
    }

    /// The held batches' storage, plus what ordering them needs beside it (as for a window,
    /// ``Window/orderingBytesPerRow``) and one slice of output: the sorted rows are streamed
    /// a slice at a time, never copied whole.
    public func estimatedBytes(of state: SortState) -> Int {
        guard state.rowCount > 0 else { return 0 }
        let slice = Self.outputSliceRows * (state.heldBytes / state.rowCount + 1) * 2
        return state.heldBytes + state.rowCount * Window.orderingBytesPerRow + slice
    }

    /// The rows of each output batch.
    static let outputSliceRows = 65_536

    /// A sort spills: an external merge sort.
    public var spills: Bool { true }

    /// Sorts what is held and writes it to disk as one sorted run, a slice at a time (the
    /// sorted copy of everything held never exists at once).
    public func spill(_ state: inout SortState, to space: SpillSpace) throws {
        guard state.rowCount > 0 else { return }
        let held = state.held
        let places = ordering(of: held, count: state.rowCount).sources
        state.release()
        state.runs.append(try HeldRowGather(held: held, fields: BatchConcatenation.fields(of: held)).write(places, to: space))
    }

    /// The sorted output a slice at a time: the held rows sorted and gathered in order when
    /// nothing was spilled, otherwise every sorted run merged with what is still held
    /// (sorted in memory, as the last run). Runs hold consecutive stretches of the input and
    /// rows that compare equal come out in run order, so the merge is as stable as the
    /// in-memory sort.
    public func finish(_ state: SortState, space: SpillSpace) throws -> any BatchStream {
        let held = state.held
        var inputs: [any BatchStream] = state.runs.map { $0.stream() }
        var fields = state.runs.flatMap(\.fields)
        if state.rowCount > 0 {
            let gather = HeldRowGather(held: held, fields: BatchConcatenation.fields(of: held))
            let sorted = HeldRowSlices(
                gather: gather, places: ordering(of: held, count: state.rowCount).sources,
                sliceRows: state.runs.isEmpty ? Self.outputSliceRows : 16_384)
            guard !state.runs.isEmpty else { return sorted }
            inputs.append(sorted)
            fields += gather.fields
        }
        let comparator = RowComparator(keys)
        return MergedStream(inputs, fields: Self.firstSeen(fields), keys: comparator.fields, less: comparator.less)
    }

    /// `fields` without repeats, in first-seen order.
    static func firstSeen(_ fields: [String]) -> [String] {
        var seen = Set<String>()
        return fields.filter { seen.insert($0).inserted }
    }

    /// Every field passes through unchanged.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// What follows needs, plus the sort keys.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output.adding(fields) }
}

/// The per-run state of a ``Sort``: every batch since the last spill, as it arrived, and the
/// sorted runs spilled so far.
public struct SortState: Sendable {
    /// Sorted runs on disk, in input order.
    var runs: [SpillRun] = []
    /// The batches held, in arrival order (empty ones are not kept).
    private(set) var held: [RecordBatch] = []
    /// The number of rows held.
    public private(set) var rowCount = 0
    /// About how many bytes the held batches take.
    public private(set) var heldBytes = 0

    /// Lets go of the held batches (after they were spilled).
    mutating func release() {
        held = []
        rowCount = 0
        heldBytes = 0
    }

    /// Holds `batch`.
    mutating func hold(_ batch: RecordBatch) {
        guard !batch.isEmpty else { return }
        held.append(batch)
        rowCount += batch.count
        heldBytes += batch.storageBytes
    }
}
