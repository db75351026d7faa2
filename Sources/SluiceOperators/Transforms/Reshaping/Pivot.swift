import SluiceCore

/// Turns the values of one field into fields, as SQL's `PIVOT`:
/// `{"index": ["region"], "column": "quarter", "value": "sales", "aggregate": "sum"}`.
///
/// Emits one record per distinct combination of the `index` fields (in first-seen order;
/// with no index fields, one record), holding the index fields and then one field per
/// distinct value of `column`, named by the value's text and **sorted by that name** (UTF-8
/// byte order), as DuckDB's `PIVOT` orders the columns it creates. Each such field holds
/// `aggregate` (`sum`, `avg`, `min`, `max`, `count`, `countNonNull` or `first`; `sum` when
/// absent) over the `value` of the records with that index and column value, or null when
/// there are none (the counts give 0). See ``PivotCells`` for what each function reads.
///
/// - Index keys compare as the aggregate's group keys do (`1` and `1.0` are one key, null is
///   a key of its own). A null or missing `column` gives no field (DuckDB drops it too), but
///   its record still makes its index row. Column values with the same text (`1` and `"1"`)
///   share a field.
/// - A created field named like an index field gets the function's name as a suffix
///   (`region_sum`), again while taken.
/// - `count` counts records (`count(*)`, as the aggregate's `count` counts rows) and takes no
///   `value`; `countNonNull` counts the non-null values of `value` (`count(value)`). Every
///   other function needs `value`.
///
/// The pivot holds one accumulator per (index row, column value) pair and emits at the end.
public struct Pivot: StatefulTransform {
    /// The spec's operation name.
    public static let operation = "pivot"
    public typealias State = PivotState

    /// The `config` object of a pivot step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields identifying an output record; none for a single record.
        public var index: [String]?
        /// The field whose values become output fields.
        public var column: String
        /// The field aggregated into each cell (none for `count`).
        public var value: String?
        /// `sum`, `avg`, `min`, `max`, `count`, `countNonNull` or `first`; `sum` when absent.
        public var aggregate: String?

        /// A config.
        public init(index: [String]? = nil, column: String, value: String? = nil, aggregate: String? = nil) {
            self.index = index
            self.column = column
            self.value = value
            self.aggregate = aggregate
        }
    }

    /// The index fields.
    public let index: [String]
    /// The field whose values become fields.
    public let column: String
    /// The aggregated field (`nil`: `count` of records).
    public let value: String?
    /// The aggregate function.
    public let function: PivotFunction

    /// Builds the pivot; throws ``SpecError`` at `index`, `column`, `value` or `aggregate`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        let index = config.index ?? []
        var seen = Set<String>()
        for (i, field) in index.enumerated() {
            guard !field.isEmpty else { throw SpecError(path: "index[\(i)]", "must name a field") }
            guard seen.insert(field).inserted else { throw SpecError(path: "index[\(i)]", "duplicate field '\(field)'") }
        }
        guard !config.column.isEmpty else { throw SpecError(path: "column", "must name a field") }
        if let i = index.firstIndex(of: config.column) {
            throw SpecError(path: "column", "'\(config.column)' is already index[\(i)]")
        }
        let name = config.aggregate ?? PivotFunction.sum.rawValue
        guard let function = PivotFunction(rawValue: name) else {
            throw SpecError(path: "aggregate", "unknown aggregate '\(name)'; expected one of \(PivotFunction.expectedList)")
        }
        if let value = config.value {
            guard !value.isEmpty else { throw SpecError(path: "value", "must name a field") }
            guard function != .count else {
                throw SpecError(path: "value", "count counts records and takes no value; use countNonNull to count the non-null values of '\(value)'")
            }
        } else if function != .count {
            throw SpecError(path: "value", "required for \(function.rawValue) (only count may leave it out)")
        }
        self.index = index
        column = config.column
        value = config.value
        self.function = function
    }

    /// A fresh state.
    public func makeState() -> PivotState { PivotState(indexFields: index.count, function: function) }

    /// Adds the batch's records to their cells; a pivot emits nothing until the end and
    /// refuses no rows.
    public func consume(_ batch: RecordBatch, into state: inout PivotState) throws -> BatchResult {
        guard !batch.isEmpty else { return BatchResult(batch: .empty) }
        state.add(
            index: index.map { batch.column(named: $0) }, column: batch.column(named: column),
            value: value.map { batch.column(named: $0) ?? Column.absent(count: batch.count) }, count: batch.count)
        return BatchResult(batch: .empty)
    }

    /// One record per index combination seen, with one field per column value.
    public func finish(_ state: PivotState) throws -> RecordBatch {
        state.records(indexFields: index, suffix: "_" + function.rawValue)
    }

    /// The index and column tables and the accumulators.
    public func estimatedBytes(of state: PivotState) -> Int { state.estimatedBytes }

    /// The index fields are copied; the created fields depend on the data, so only the index
    /// fields are listed.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        index.filter { inputFields.contains($0) }.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// The index fields, the column field and the value field, whatever follows needs.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        .only(Set(index + [column] + (value.map { [$0] } ?? [])))
    }
}
