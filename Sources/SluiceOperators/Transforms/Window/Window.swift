import SluiceCore

/// Computes window functions over ordered partitions, keeping every input row:
///
/// ```json
/// {"partitionBy": ["customer_id"],
///  "orderBy": [{"field": "created_at", "direction": "asc"}, {"field": "id"}],
///  "functions": [{"function": "row_number", "as": "rn"},
///                {"function": "lag", "field": "amount", "as": "prev_amount", "offset": 1},
///                {"function": "sum", "field": "amount", "as": "running_amount"},
///                {"function": "avg", "field": "amount", "as": "ma3", "frame": 3}]}
/// ```
///
/// Output rows are grouped by partition, partitions in first-seen order, and sorted within
/// each by the order keys; ties keep input order. Every input field is kept and each
/// function adds its `as` field (replacing an input field of that name).
///
/// Semantics follow DuckDB's SQL:
/// - Order keys: `asc` (default) or `desc`; nulls sort **last in both directions**, which is
///   DuckDB's default (`NULLS LAST`), unless the key says `"nulls": "first"`. Values compare
///   by type: numbers numerically, text by UTF-8 bytes, timestamps by instant.
/// - `row_number`, `rank` (gaps after ties), `dense_rank` (no gaps); peers are rows with equal
///   order keys.
/// - `lag` / `lead`: the field `offset` rows (default 1) before / after in the partition, or
///   `default` (null when left out) past the partition's edge.
/// - `sum`, `avg`, `count`, `min`, `max` use a **ROWS** frame ending at the current row: from
///   the partition start (`ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`, not SQL's
///   default RANGE frame, which would include later peers), or with `"frame": n` the last n
///   rows (`ROWS BETWEEN n-1 PRECEDING AND CURRENT ROW`). They read numbers as the aggregate
///   does (ints, doubles, numeric strings); `sum`, `avg`, `min` and `max` are null while the
///   frame holds no number. `count` counts the frame's rows, or with a field its non-null
///   values (SQL's `count(x)`).
///
/// The window holds all its input (columnar, as it arrived) until the end, when it sorts the
/// rows on packed integer key words and streams them in output order, whole partitions a
/// chunk at a time (``finish(_:space:)``; ``finish(_:)`` gives the same rows as one batch).
public struct Window: StatefulTransform {
    /// The spec's operation name.
    public static let operation = "window"
    public typealias State = WindowState

    /// The `config` object of a window step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields whose values form the partition key (none: one partition).
        public var partitionBy: [String]
        /// The sort keys within a partition (none: input order, every row a peer).
        public var orderBy: [WindowOrderSpec]
        /// The functions, in output order.
        public var functions: [WindowFunctionSpec]

        /// A config.
        public init(partitionBy: [String] = [], orderBy: [WindowOrderSpec] = [], functions: [WindowFunctionSpec]) {
            self.partitionBy = partitionBy
            self.orderBy = orderBy
            self.functions = functions
        }

        enum CodingKeys: String, CodingKey { case partitionBy, orderBy, functions }

        /// Decodes a config; `partitionBy` and `orderBy` may be left out.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            partitionBy = try c.decodeIfPresent([String].self, forKey: .partitionBy) ?? []
            orderBy = try c.decodeIfPresent([WindowOrderSpec].self, forKey: .orderBy) ?? []
            functions = try c.decode([WindowFunctionSpec].self, forKey: .functions)
        }
    }

    /// The partition key fields.
    public let partitionBy: [String]
    let orderBy: [WindowOrder]
    /// Each function with its output field and its name (for lineage).
    let functions: [(output: String, name: String, function: WindowFunction)]

    /// Builds the window; throws ``SpecError`` at the offending `partitionBy`, `orderBy` or
    /// `functions` entry.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        var seen = Set<String>()
        for (i, field) in config.partitionBy.enumerated() where !seen.insert(field).inserted {
            throw SpecError(path: "partitionBy[\(i)]", "duplicate field '\(field)'")
        }
        var orderBy: [WindowOrder] = []
        for (i, spec) in config.orderBy.enumerated() {
            guard spec.direction == "asc" || spec.direction == "desc" else {
                throw SpecError(path: "orderBy[\(i)].direction", "expected asc or desc, found '\(spec.direction)'")
            }
            guard spec.nulls == "first" || spec.nulls == "last" else {
                throw SpecError(path: "orderBy[\(i)].nulls", "expected first or last, found '\(spec.nulls)'")
            }
            orderBy.append(WindowOrder(field: spec.field, descending: spec.direction == "desc", nullsFirst: spec.nulls == "first"))
        }
        guard !config.functions.isEmpty else {
            throw SpecError(path: "functions", "expected at least one function, as {\"function\": \"row_number\", \"as\": \"rn\"}")
        }
        var outputs = Set<String>()
        var functions: [(String, String, WindowFunction)] = []
        for (i, spec) in config.functions.enumerated() {
            let function: WindowFunction
            do {
                function = try WindowFunction(spec)
            } catch {
                throw error.prefixed("functions[\(i)]")
            }
            guard outputs.insert(spec.as).inserted else {
                throw SpecError(path: "functions[\(i)].as", "duplicate output field '\(spec.as)'")
            }
            functions.append((spec.as, spec.function, function))
        }
        partitionBy = config.partitionBy
        self.orderBy = orderBy
        self.functions = functions
    }

    /// A fresh state.
    public func makeState() -> WindowState {
        WindowState(partitionFields: partitionBy.count)
    }

    /// Holds `batch` (numbering its rows' partitions); a window emits nothing until the end
    /// and refuses no rows.
    public func consume(_ batch: RecordBatch, into state: inout WindowState) throws -> BatchResult {
        guard !batch.isEmpty else { return BatchResult(batch: .empty) }
        let ids = state.partitions.assign(partitionBy.map { batch.column(named: $0) }, count: batch.count)
        state.hold(batch, partitions: ids)
        return BatchResult(batch: .empty)
    }

    /// Every held row, in partition and key order, with the functions' fields added.
    ///
    /// The order keys are packed into integer words and sorted with the row numbers; each
    /// output column is then written straight from the held batches to its output places,
    /// the functions' input fields first (so their number caches go before the rest is
    /// built), and a field that a function's output replaces is not built at all.
    public func finish(_ state: WindowState) throws -> RecordBatch {
        guard state.rowCount > 0 else { return .empty }
        let held = state.held
        let ordering = order(state)
        let scatter = RowScatter(sources: ordering.sources)
        let fields = BatchConcatenation.fields(of: held)
        let outputs = Set(functions.map(\.output))
        let read = Set(functions.compactMap(\.function.field))
        var columns = [Column?](repeating: nil, count: fields.count)
        for (i, field) in fields.enumerated() where read.contains(field) {
            columns[i] = scatter.column(field, of: held)
        }
        let results = functionColumns(bounds: ordering.bounds, keyChanges: ordering.keyChanges) { field in
            fields.firstIndex(of: field).flatMap { columns[$0] }
        }
        for (i, field) in fields.enumerated() where columns[i] == nil && !outputs.contains(field) {
            columns[i] = scatter.column(field, of: held)
        }
        var outFields = fields
        for ((output, _, _), column) in zip(functions, results) {
            if let i = outFields.firstIndex(of: output) {
                columns[i] = column
            } else {
                outFields.append(output)
                columns.append(column)
            }
        }
        return RecordBatch(
            fields: outFields, columns: columns.map { $0 ?? Column.absent(count: state.rowCount) },
            positions: scatter.positions(of: held))
    }

    /// `rows` (already in output order, partition `p` being rows `bounds[p] ..< bounds[p + 1]`)
    /// with the functions' fields set: what ``finish(_:)`` gives for those rows.
    func finishOrdered(_ rows: RecordBatch, bounds: [Int], keyChanges: [Bool]) -> RecordBatch {
        let results = functionColumns(bounds: bounds, keyChanges: keyChanges) { rows.column(named: $0) }
        var out = rows
        for ((output, _, _), column) in zip(functions, results) { out.setColumn(column, named: output) }
        return out
    }

    /// Each function's column over rows in output order (partition `p` being rows
    /// `bounds[p] ..< bounds[p + 1]`; `keyChanges` as ``WindowOrdering`` gives them), reading
    /// the functions' input fields with `input`.
    func functionColumns(bounds: [Int], keyChanges: [Bool], input: (String) -> Column?) -> [Column] {
        var numbers: [String: NumericCells] = [:]
        var results: [Column] = []
        for (_, _, function) in functions {
            let column = function.field.flatMap(input)
            switch function {
            case .rowNumber: results.append(RowFunctions.rowNumbers(bounds: bounds))
            case .rank: results.append(RowFunctions.ranks(keyChanges: keyChanges, bounds: bounds, dense: false))
            case .denseRank: results.append(RowFunctions.ranks(keyChanges: keyChanges, bounds: bounds, dense: true))
            case .shift(_, let offset, let fill):
                results.append(RowFunctions.shifted(column, by: offset, fill: fill, bounds: bounds))
            case .aggregate(let aggregate, let field, let frame):
                var cells: NumericCells?
                if aggregate != .count, let field, let column {
                    cells = numbers[field] ?? NumericCells(column)
                    numbers[field] = cells
                }
                results.append(FrameAggregate.compute(
                    aggregate, column: column, cells: cells, countsRows: field == nil, bounds: bounds, frame: frame))
            }
        }
        return results
    }

    /// The output order of the held rows; the order keys' columns are joined only while
    /// their words are built.
    func order(_ state: WindowState) -> WindowOrdering {
        let held = state.held
        let layout = PartitionLayout(partitions: state.partitionIds, count: state.partitionCount)
        let keys = SortKeys(
            orderBy.map { order in (held.contains { $0.index(of: order.field) != nil } ? BatchConcatenation.column(order.field, of: held) : nil, order) },
            layout: layout)
        let ranked = functions.contains { _, _, function in
            switch function {
            case .rank, .denseRank: return true
            default: return false
            }
        }
        return WindowOrdering(layout: layout, keys: keys, needsKeyChanges: ranked)
    }

    /// What the state holds, plus what finishing it needs beside it: the ordering of the
    /// held rows (``orderingBytesPerRow`` a row while the order keys are ranked and sorted;
    /// after a spill, 16 for grouping them by partition)
    /// and one chunk of output (a chunk of whole partitions, or the largest partition), held
    /// about three times over while it is gathered and its functions computed. The output is
    /// streamed a chunk at a time, so the held rows are never copied whole.
    public func estimatedBytes(of state: WindowState) -> Int {
        guard state.rowCount > 0 else { return state.estimatedBytes }
        let bytesPerRow = state.heldBytes / state.rowCount + 1
        let chunk = Swift.max(WindowOutput.chunkRows, state.largestPartition) * bytesPerRow * 3
        // After a spill the held rows are only grouped by partition (their numbers and
        // places), not sorted: each merged chunk is sorted on its own.
        let ordering = state.runs.isEmpty ? Self.orderingBytesPerRow : 16
        return state.estimatedBytes + state.rowCount * ordering + chunk
    }

    /// What ordering the held rows takes a row beside them, at its peak: the partition
    /// layout, the order keys' columns joined, their packed words and ranks, and the sort's
    /// entries (measured on the benchmark window's 10M rows).
    static let orderingBytesPerRow = 80

    /// Input fields are copied (unless a function's output replaces one); each function's
    /// field derives from its input field, and ranking functions from the order keys.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        let outputs = Set(functions.map(\.output))
        let ordering = partitionBy + orderBy.map(\.field)
        return inputFields.filter { !outputs.contains($0) }.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
            + functions.map { output, name, function in
                FieldDerivation(output: output, inputs: function.field.map { [$0] } ?? ordering, how: name)
            }
    }
}
