import SluiceCore

/// A directed dependency between two lineage nodes: data flows from `from` to `to`.
public struct LineageEdge: Codable, Sendable, Equatable {
    /// The upstream node's id.
    public var from: String
    /// The downstream node's id.
    public var to: String
    /// `consumes` or `produces`.
    public var relationship: String
    /// The job whose run created the dependency, if any.
    public var jobId: String?
    /// Column-level lineage: how each output field of `to` derives from fields of `from`.
    public var fields: [FieldDerivation]?

    public init(from: String, to: String, relationship: String, jobId: String? = nil, fields: [FieldDerivation]? = nil) {
        self.from = from
        self.to = to
        self.relationship = relationship
        self.jobId = jobId
        self.fields = fields
    }
}
