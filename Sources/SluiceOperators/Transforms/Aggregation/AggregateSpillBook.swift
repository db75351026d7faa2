import SluiceCore

/// What an aggregate state has spilled: its groups' partial states, split by a hash of the
/// group key into ``partitionCount`` partitions, and the first-seen ordinals they took.
///
/// Every spill writes one file: per partition, the partial rows of its groups (key, ordinal,
/// partial columns) in frames of up to ``Aggregate/partialFrameGroups`` groups. A group always
/// hashes to the same partition, so finishing can merge one partition at a time.
struct AggregateSpillBook: Sendable {
    /// The number of hash partitions.
    static let partitionCount = 16

    /// Per partition, the pieces spilled so far, in input order.
    var partitions: [[SpillPiece]] = Array(repeating: [], count: partitionCount)
    /// The ordinal of the state's group 0: the groups spilled so far took the ordinals below,
    /// so ordinals increase in first-seen order across spills. A group seen again after a
    /// spill gets a larger ordinal too; its smallest one is its place in the output.
    var ordinalBase = 0
    /// Per group-by field, whether a spilled key held a form another group's equal key may not
    /// share (a double equal to an int, a NaN, an array or object), so finishing must put
    /// back each key's first-seen form (see ``AggregateSpillOutput``).
    var mixedKeyForms: [Bool]
    /// Where the spills went (to spill again when a spilled state is merged into this one).
    var space: SpillSpace?
    /// A spill that failed inside ``Aggregate/merge(_:_:)``, which cannot throw: the next
    /// spill or finish throws it.
    var failure: (any Error)?

    /// A book for a state with `keyFields` group-by fields, nothing spilled yet.
    init(keyFields: Int) {
        mixedKeyForms = Array(repeating: false, count: keyFields)
    }

    /// The partition of the group whose key is `key`.
    static func partition(of key: [Value]) -> Int {
        Int(GroupKeyHash.hash(key) % UInt64(partitionCount))
    }

    /// The bytes of the bookkeeping (the spilled data itself is on disk).
    var estimatedBytes: Int {
        partitions.reduce(0) { $0 + $1.count * MemoryLayout<SpillPiece>.stride } + mixedKeyForms.count
    }

    /// Whether `value`, a group key's kept form, may differ from the form another state kept
    /// for an equal key: doubles equal to an integer (`1.0`, `-0.0`), NaNs, arrays and objects.
    static func mayTakeOtherForms(_ value: Value) -> Bool {
        switch value {
        case .double(let d): return d.isNaN || (d.rounded() == d && d.magnitude < 9.2e18)
        case .array, .object: return true
        case .null, .bool, .int, .string, .timestamp: return false
        }
    }
}

/// One partition's frames in one spill file.
struct SpillPiece: Sendable {
    /// The spill file.
    let run: SpillRun
    /// The frames holding the partition's partial rows.
    let frames: Range<Int>
    /// Added to the ordinals read back (pieces taken over from a merged state sit after the
    /// groups of the state they joined).
    let ordinalShift: Int
}
