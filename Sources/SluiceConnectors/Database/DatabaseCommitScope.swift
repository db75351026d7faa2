import SluiceCore

/// When a database target makes the rows it writes visible: `commit` in its config.
public enum DatabaseCommitScope: String, Decodable, Sendable, CaseIterable {
    /// One transaction for the whole job, committed once every record is written (the
    /// default): a job that fails, is cancelled or is killed leaves the table as it was.
    case job
    /// Each batch committed as soon as it is written, for very large loads that should not
    /// hold one long transaction: a job that fails leaves the batches it wrote.
    case batch

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let scope = DatabaseCommitScope(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown commit '\(raw)'; expected one of \(DatabaseCommitScope.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = scope
    }

    /// The `commit` key every database target declares.
    static let field = FieldShape.optional(
        "commit", .choice(DatabaseCommitScope.self), default: "job",
        "`job`: one transaction for the whole job, so a failed or killed job leaves the table as it was; "
            + "`batch`: each batch committed as it is written (very large loads), so a failed job leaves the batches it wrote.")
}
