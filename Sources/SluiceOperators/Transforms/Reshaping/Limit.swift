import SluiceCore

/// Keeps the first records in input order, as SQL's `LIMIT count OFFSET offset` over an
/// ordered input: `{"count": 100, "offset": 0}`.
///
/// Records `offset ..< offset + count` (counting from 0 in the order they reach the step)
/// leave ``consume(_:into:)`` as soon as they arrive; everything after them is dropped and
/// ``finish(_:)`` emits nothing. `offset` defaults to 0; `count` may be 0 (no records).
/// The step only counts, so it holds no rows (the source is still read to its end).
public struct Limit: StatefulTransform {
    /// The spec's operation name.
    public static let operation = "limit"
    public typealias State = LimitState
    /// The largest `count` and `offset` a config may give: a trillion records, more than any
    /// run reads.
    public static let maximumRecords = 1_000_000_000_000

    /// The `config` object of a limit step.
    public struct Config: Decodable, Sendable, Equatable {
        /// How many records to keep.
        public var count: Int
        /// How many records to skip first; 0 when absent.
        public var offset: Int?

        /// A config keeping `count` records after skipping `offset`.
        public init(count: Int, offset: Int? = nil) {
            self.count = count
            self.offset = offset
        }
    }

    /// How many records are kept.
    public let count: Int
    /// How many records are skipped first.
    public let offset: Int

    /// Builds the limit; throws ``SpecError`` at `count` or `offset` when negative.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard config.count >= 0 else { throw SpecError(path: "count", "expected a number of records (0 or more), found \(config.count)") }
        let offset = config.offset ?? 0
        guard offset >= 0 else { throw SpecError(path: "offset", "expected a number of records (0 or more), found \(offset)") }
        count = config.count
        self.offset = offset
    }

    /// A fresh state: no records seen.
    public func makeState() -> LimitState { LimitState() }

    /// The batch's records that fall in `offset ..< offset + count` of the whole input.
    public func consume(_ batch: RecordBatch, into state: inout LimitState) throws -> BatchResult {
        let first = state.seen
        state.seen += batch.count
        // Clamp before adding, so that a huge count cannot overflow.
        let end = count > Int.max - offset ? Int.max : offset + count
        let low = Swift.max(offset, first) - first
        let high = Swift.min(end, state.seen) - first
        guard low < high else { return BatchResult(batch: .empty) }
        if low == 0, high == batch.count { return BatchResult(batch: batch) }
        return BatchResult(batch: batch.selecting(Array(low..<high)))
    }

    /// Nothing: every kept record left as it arrived.
    public func finish(_ state: LimitState) throws -> RecordBatch { .empty }

    /// Every field passes through unchanged.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// Exactly what follows needs.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output }
}

/// The per-run state of a ``Limit``: how many records have arrived.
public struct LimitState: Sendable {
    /// Records seen so far.
    public internal(set) var seen = 0
}
