/// How the values of a nested field are put back together from its leaves' levels (Dremel
/// record assembly), as read from the schema with the LIST and MAP rules of Parquet's
/// LogicalTypes document.
///
/// `nullLevel` is the definition level at which a nullable node is not null (a definition
/// level below it means null); `nil` for a node that cannot be null. For lists and maps,
/// `repeatedLevel` is the definition level at which the list has at least one element, and
/// `repetition` the repetition level that marks a further element of this list.
indirect enum ParquetAssemblyNode: Sendable {
    case leaf(column: Int, nullLevel: Int?)
    case structure(names: [String], fields: [ParquetAssemblyNode], nullLevel: Int?)
    case list(element: ParquetAssemblyNode, nullLevel: Int?, repeatedLevel: Int, repetition: Int)
    /// A map: key-value pairs (a missing value node for a key-only set), as an object when
    /// the keys are text.
    case map(key: ParquetAssemblyNode, value: ParquetAssemblyNode?, textKeys: Bool, nullLevel: Int?, repeatedLevel: Int, repetition: Int)

    /// The first leaf column under the node (whose levels decide for the whole node).
    var firstColumn: Int {
        switch self {
        case .leaf(let column, _): return column
        case .structure(_, let fields, _): return fields.first?.firstColumn ?? 0
        case .list(let element, _, _, _): return element.firstColumn
        case .map(let key, _, _, _, _, _): return key.firstColumn
        }
    }

    /// Every leaf column under the node, in order.
    var columns: [Int] {
        switch self {
        case .leaf(let column, _): return [column]
        case .structure(_, let fields, _): return fields.flatMap(\.columns)
        case .list(let element, _, _, _): return element.columns
        case .map(let key, let value, _, _, _, _): return key.columns + (value?.columns ?? [])
        }
    }
}
