import SluiceCore

/// A lookup transform that can run as a ``GraceJoin`` (its lookup data partitioned on disk,
/// see ``GraceJoinBuilder``) when that data does not fit in the job's memory budget.
public protocol PartitionableLookupTransform: LookupTransform {
    /// The join to run partition by partition; `nil` when the transform must hold its whole
    /// lookup data in memory (a right or full join emits the lookup records that matched
    /// nothing, so it needs all of them at once).
    var partitionedJoin: Join? { get }
}

extension Join: PartitionableLookupTransform {
    /// The join itself when it is inner or left.
    public var partitionedJoin: Join? { kind.emitsUnmatchedLookups ? nil : self }
}

extension Lookup: PartitionableLookupTransform {
    /// The left join a lookup is.
    public var partitionedJoin: Join? { join }
}
