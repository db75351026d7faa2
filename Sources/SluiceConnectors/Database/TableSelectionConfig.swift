import SluiceCore

/// The keys of a database source's config that say what it reads: either `table` (with
/// optional `columns` and `where`) or `query`, and the `parameters` for the placeholders of
/// `where` or `query`. They sit beside the connection's keys; ``TableSelection`` checks them.
public struct TableSelectionConfig: Decodable, Sendable {
    /// The table or view to read.
    public var table: String?
    /// With `table`: the columns to read (default all, in table order).
    public var columns: [String]?
    /// With `table`: an SQL condition on its rows, with the database's placeholders for
    /// `parameters`.
    public var `where`: String?
    /// A statement whose result is read, with the database's placeholders for `parameters`.
    public var query: String?
    /// Values for the placeholders, in order.
    public var parameters: [Value]?

    /// A selection built in code (configs are decoded with `init(from:)`).
    public init(table: String? = nil, columns: [String]? = nil, where condition: String? = nil, query: String? = nil, parameters: [Value]? = nil) {
        self.table = table
        self.columns = columns
        self.where = condition
        self.query = query
        self.parameters = parameters
    }
}
