/// Which fields of its input a stage needs, so a source can skip the rest (projection
/// pushdown).
///
/// The planner walks the job backwards from the target, which needs every field: each
/// transform turns the demand on its output into the demand on its input. A filter adds the
/// field it tests to whatever its output needs; an aggregate needs only its keys and
/// measures, whatever comes after it. When the demand reaching the source is ``only(_:)``,
/// the decoders build columns for those fields alone and skip the other values with a scan.
public enum FieldDemand: Sendable, Equatable {
    /// Every field (the default: nothing is skipped).
    case all
    /// Only these fields; fields not named are never read by anything downstream.
    case only(Set<String>)

    /// The demand plus `fields`.
    public func adding<S: Sequence<String>>(_ fields: S) -> FieldDemand {
        switch self {
        case .all: return .all
        case .only(let set): return .only(set.union(fields))
        }
    }

    /// The fields named, or `nil` for ``all``.
    public var fields: Set<String>? {
        switch self {
        case .all: return nil
        case .only(let set): return set
        }
    }
}
