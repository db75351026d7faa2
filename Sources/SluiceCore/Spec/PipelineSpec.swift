/// A saved, named job spec (`POST /pipelines`) that schedules run by `pipelineId`:
/// `{"id": "daily_orders", "name": "Daily orders", "job": {…the same spec as POST /jobs…}}`.
public struct PipelineSpec: Codable, Sendable, Equatable {
    /// Unique id, used by schedules' `pipelineId`.
    public var id: String
    /// A human name; the id when absent.
    public var name: String
    /// What the pipeline runs.
    public var job: JobSpec

    public init(id: String, name: String? = nil, job: JobSpec) {
        self.id = id
        self.name = name ?? id
        self.job = job
    }

    enum CodingKeys: String, CodingKey { case id, name, job }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? id
        job = try c.decode(JobSpec.self, forKey: .job)
        if id.isEmpty {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.id], debugDescription: "must not be empty"))
        }
    }
}
