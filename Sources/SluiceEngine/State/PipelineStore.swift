import SluiceCore

/// A saved pipeline with when it was created and last replaced.
public struct PipelineRecord: Sendable, Equatable {
    /// The pipeline as saved (secrets redacted).
    public var spec: PipelineSpec
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    /// Milliseconds since the epoch.
    public var updatedAt: Int64

    public init(spec: PipelineSpec, createdAt: Int64, updatedAt: Int64) {
        self.spec = spec
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Persistence of saved pipelines (named job specs).
public protocol PipelineStore: Sendable {
    /// Inserts `pipeline`, or replaces the one with the same id (keeping its creation time and place).
    func savePipeline(_ pipeline: PipelineRecord) async throws
    /// The pipeline with `id`, or `nil`.
    func pipeline(id: String) async throws -> PipelineRecord?
    /// All pipelines, in the order they were first saved.
    func pipelines() async throws -> [PipelineRecord]
    /// Deletes the pipeline with `id`; whether there was one.
    func deletePipeline(id: String) async throws -> Bool
}
