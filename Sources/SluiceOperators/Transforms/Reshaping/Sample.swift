import SluiceCore

/// Keeps a random sample of the records, reproducibly:
/// `{"fraction": 0.1, "seed": 42}` or `{"count": 1000, "seed": 42}`.
///
/// - `fraction` (0…1): each record is kept with that probability, independently (Bernoulli
///   sampling, as DuckDB's `USING SAMPLE 10% (bernoulli)`), so the number kept varies around
///   `fraction × records`. Kept records leave at once, in input order.
/// - `count`: exactly `min(count, records)` records, each equally likely (reservoir
///   sampling); they are held until the input ends and emitted in input order.
///
/// Every random choice is a hash of `seed` (0 when absent) and the record's ordinal (its
/// place among the records reaching the step, from 0), so the same input and seed give the
/// same sample whatever the batch sizes, and a different seed an independent one.
public struct Sample: StatefulTransform {
    /// The spec's operation name.
    public static let operation = "sample"
    public typealias State = SampleState
    /// The largest `count` a config may give: the chosen records are held in memory until
    /// the input ends, so a hundred million is already far beyond any memory budget.
    public static let maximumCount = 100_000_000

    /// The `config` object of a sample step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The probability of keeping each record (exclusive with `count`).
        public var fraction: Double?
        /// The number of records to keep (exclusive with `fraction`).
        public var count: Int?
        /// The seed of the random choices; 0 when absent.
        public var seed: UInt64?

        /// A config; give exactly one of `fraction` and `count`.
        public init(fraction: Double? = nil, count: Int? = nil, seed: UInt64? = nil) {
            self.fraction = fraction
            self.count = count
            self.seed = seed
        }
    }

    /// How records are chosen.
    public enum Method: Sendable, Equatable {
        /// Each record with this probability.
        case fraction(Double)
        /// This many records (or all, when there are fewer).
        case count(Int)
    }

    /// How records are chosen.
    public let method: Method
    /// The seed of the random choices.
    public let seed: UInt64

    /// Builds the sample; throws ``SpecError`` at `fraction` or `count`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        switch (config.fraction, config.count) {
        case (let fraction?, nil):
            guard fraction >= 0, fraction <= 1 else {
                throw SpecError(path: "fraction", "expected a probability from 0 to 1, found \(fraction)")
            }
            method = .fraction(fraction)
        case (nil, let count?):
            guard count >= 0 else { throw SpecError(path: "count", "expected a number of records (0 or more), found \(count)") }
            method = .count(count)
        case (nil, nil):
            throw SpecError(path: "fraction", #"expected either "fraction" (0 to 1) or "count""#)
        case (.some, .some):
            throw SpecError(path: "count", #"give either "fraction" or "count", not both"#)
        }
        seed = config.seed ?? 0
    }

    /// A fresh state.
    public func makeState() -> SampleState { SampleState() }

    /// With `fraction`, the batch's kept records; with `count`, nothing yet (the reservoir
    /// takes the records it chooses).
    public func consume(_ batch: RecordBatch, into state: inout SampleState) throws -> BatchResult {
        let first = state.seen
        state.seen += batch.count
        switch method {
        case .fraction(let fraction):
            // Kept when the hash's top 53 bits, as a number in [0, 1), fall below `fraction`.
            let threshold = fraction >= 1 ? UInt64.max : UInt64(fraction * 0x1p53)
            var rows: [Int] = []
            for row in 0..<batch.count where fraction >= 1 || Self.hash(seed, first + row) >> 11 < threshold {
                rows.append(row)
            }
            return BatchResult(batch: rows.count == batch.count ? batch : batch.selecting(rows))
        case .count(let count):
            state.reservoir.add(batch, firstOrdinal: first, capacity: count) { ordinal in
                Self.slot(Self.hash(seed, ordinal), below: ordinal + 1)
            }
            return BatchResult(batch: .empty)
        }
    }

    /// With `count`, the chosen records in input order; with `fraction`, nothing.
    public func finish(_ state: SampleState) throws -> RecordBatch {
        state.reservoir.records()
    }

    /// The reservoir's rows.
    public func estimatedBytes(of state: SampleState) -> Int { state.reservoir.estimatedBytes }

    /// Every field passes through unchanged.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// Exactly what follows needs.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output }

    /// A 64-bit hash of the seed and an ordinal (SplitMix64's finalizer over both).
    static func hash(_ seed: UInt64, _ ordinal: Int) -> UInt64 {
        var z = seed &+ UInt64(bitPattern: Int64(ordinal)) &* 0x9E37_79B9_7F4A_7C15 &+ 0x6A09_E667_F3BC_C909
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        // A second round, so that nearby seeds give unrelated streams.
        z = (z ^ seed.byteSwapped ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0 ..< bound` from a uniform hash (the high word of their product).
    static func slot(_ hash: UInt64, below bound: Int) -> Int {
        Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(bound)).high)
    }
}

/// The per-run state of a ``Sample``.
public struct SampleState: Sendable {
    /// Records seen so far.
    public internal(set) var seen = 0
    /// The records chosen so far (used by `count` only).
    var reservoir = SampleReservoir()
}
