import SluiceCore

/// What a lookup transform becomes once its lookup data is in memory.
public enum PreparedLookup: Sendable {
    /// Handles each batch on its own (inner and left joins), so batches can run in parallel.
    case stateless(any StatelessTransform)
    /// Keeps state across batches and emits more at the end (right and full joins emit the
    /// lookup records that matched nothing).
    case stateful(PreparedOuterJoin)
}

/// A lookup transform whose prepared form may need state across batches.
///
/// The engine prepares such a transform with ``preparedTransform(with:)`` instead of
/// ``LookupTransform/prepared(with:)``, and runs a ``PreparedLookup/stateful(_:)`` result
/// like any other stateful transform (one state per run, ``StatefulTransform/finish(_:)``
/// after the last batch).
public protocol StatefulLookupTransform: LookupTransform {
    /// The transform to run once the whole lookup data set is in memory.
    func preparedTransform(with lookup: RecordBatch) throws -> PreparedLookup
}
