/// A data set or step in the lineage graph: a source, a transformation or a target.
public struct LineageNode: Codable, Sendable, Equatable {
    /// A stable id (`customers-api`, `job_1:transforms[0]`), shared across jobs for sources and targets.
    public var id: String
    /// `source`, `transformation` or `target`.
    public var type: String
    /// A human name.
    public var name: String
    /// The job that recorded the node last, if it belongs to one.
    public var jobId: String?
    /// The node's fields, when known.
    public var fields: [String]?
    /// The types its fields are declared with (a Parquet or Avro source's schema, and those
    /// reaching the target unchanged): `{"amount": "decimal(12,2)"}`; absent when none are.
    public var fieldTypes: [String: String]?

    public init(id: String, type: String, name: String, jobId: String? = nil, fields: [String]? = nil, fieldTypes: [String: String]? = nil) {
        self.id = id
        self.type = type
        self.name = name
        self.jobId = jobId
        self.fields = fields
        self.fieldTypes = fieldTypes
    }
}
