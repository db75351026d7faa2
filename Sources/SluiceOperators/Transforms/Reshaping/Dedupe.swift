import SluiceCore

/// Drops records whose key fields repeat an earlier record's:
/// `{"fields": ["email"], "keep": "first"}`.
///
/// Keys compare as the aggregate's group keys do: null and absent are one value (rows without
/// any key values dedupe together), `1` and `1.0` are one value, `"1"` and `1` are two, and
/// text compares by its bytes. Key values are hashed from the typed columns (text as bytes,
/// numbers as words) and only their bytes are kept, never a `String` per key.
///
/// - `keep: "first"` (the default) streams: each batch's first occurrences leave ``consume(_:into:)``
///   at once, in input order, and ``finish(_:)`` emits nothing.
/// - `keep: "last"` holds rows until the end and emits one row per key **in the order of
///   the key's first occurrence, with the values of its last occurrence** (and that row's
///   source position), as `SELECT DISTINCT ON` over rows ordered newest-first would give but
///   keeping the familiar first-seen order. Rows superseded by a later duplicate are dropped
///   from memory as input arrives, so the state stays near the size of the distinct rows.
///
/// Over its share of the memory budget the state spills (``spill(_:to:)``): what it holds
/// goes to disk in 16 partitions by a hash of the key, and every later row goes there too,
/// emitted from ``finish(_:space:)`` after each partition is deduplicated on its own. The
/// output is the in-memory run's, row for row and in the same order.
public struct Dedupe: StatefulTransform {
    /// The spec's operation name.
    public static let operation = "dedupe"
    public typealias State = DedupeState

    /// Which row of each key survives.
    public enum Keep: String, Sendable, CaseIterable {
        case first, last
    }

    /// The `config` object of a dedupe step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields whose values together form the key.
        public var fields: [String]
        /// `first` or `last`.
        public var keep: String

        /// A config deduplicating on `fields`.
        public init(fields: [String], keep: String = "first") {
            self.fields = fields
            self.keep = keep
        }

        enum CodingKeys: String, CodingKey { case fields, keep }

        /// Decodes a config; a missing `keep` means `first`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fields = try c.decode([String].self, forKey: .fields)
            keep = try c.decodeIfPresent(String.self, forKey: .keep) ?? "first"
        }
    }

    /// The key fields.
    public let fields: [String]
    /// Which row of each key survives.
    public let keep: Keep

    /// Builds the dedupe; throws ``SpecError`` at `fields` or `keep`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.fields.isEmpty else {
            throw SpecError(path: "fields", "expected at least one key field, as [\"email\"]")
        }
        var seen = Set<String>()
        for (i, field) in config.fields.enumerated() where !seen.insert(field).inserted {
            throw SpecError(path: "fields[\(i)]", "duplicate field '\(field)'")
        }
        guard let keep = Keep(rawValue: config.keep) else {
            throw SpecError(path: "keep", "expected first or last, found '\(config.keep)'")
        }
        fields = config.fields
        self.keep = keep
    }

    /// A fresh state.
    public func makeState() -> DedupeState {
        DedupeState(keyFields: fields.count)
    }

    /// With `first`, the batch's rows whose key is new, in input order; with `last`, nothing
    /// yet (the rows are held). A dedupe refuses no rows.
    public func consume(_ batch: RecordBatch, into state: inout DedupeState) throws -> BatchResult {
        guard !batch.isEmpty else { return BatchResult(batch: .empty) }
        if let spill = state.spill {
            try spill.append(batch)
            return BatchResult(batch: .empty)
        }
        let before = state.keys.count
        let keys = state.keys.assign(fields.map { batch.column(named: $0) }, count: batch.count)
        switch keep {
        case .first:
            // Keys are numbered densely in first-seen order, so a row brings a new key exactly
            // when its number is the next one not yet handed out.
            var next = Int32(truncatingIfNeeded: before)
            var rows: [Int] = []
            for (row, key) in keys.enumerated() where key == next {
                rows.append(row)
                next += 1
            }
            let emitted = batch.selecting(rows)
            state.noteEmitted(emitted, keyFields: fields)
            return BatchResult(batch: emitted)
        case .last:
            state.hold(batch, keys: keys)
            return BatchResult(batch: .empty)
        }
    }

    /// With `last`, one row per key (see the type's documentation); with `first`, nothing.
    /// After a spill, everything ``finish(_:space:)`` streams, in one batch.
    public func finish(_ state: DedupeState) throws -> RecordBatch {
        if let spill = state.spill {
            let stream = try finish(state, space: spill.space)
            var batches: [RecordBatch] = []
            while let batch = try stream.next() { batches.append(batch) }
            return BatchConcatenation.concatenate(batches)
        }
        guard keep == .last, state.keys.count > 0 else { return .empty }
        return state.survivors()
    }

    /// The key table, plus with `first` the emitted keys' columns and with `last` the held
    /// rows; once spilled, the partition buffers and bookkeeping.
    public func estimatedBytes(of state: DedupeState) -> Int {
        state.estimatedBytes
    }

    /// A dedupe spills: it partitions its input by key on disk.
    public var spills: Bool { true }

    /// The first time, moves the state to disk (see ``DedupeState``) and partitions every
    /// later row there; afterwards, writes the partitions' buffered rows.
    public func spill(_ state: inout DedupeState, to space: SpillSpace) throws {
        if let spill = state.spill {
            try spill.flush()
        } else {
            try state.moveToDisk(space: space, keyFields: fields, keep: keep)
        }
    }

    /// ``finish(_:)``'s batch when nothing was spilled. Otherwise the rows kept from the
    /// spill partitions, merged back into the order the in-memory run emits them: with
    /// `first`, the rows consumed after the spill whose key is new, in input order; with
    /// `last`, one row per key in first-seen order. The spilled state is ended.
    public func finish(_ state: DedupeState, space: SpillSpace) throws -> any BatchStream {
        guard let spill = state.spill else { return ArrayBatchStream([try finish(state)]) }
        return try DedupeSpillReader(keep: keep, spill: spill).stream(space: space)
    }

    /// Every field passes through unchanged.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// What follows needs, plus the key fields.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output.adding(fields) }
}
