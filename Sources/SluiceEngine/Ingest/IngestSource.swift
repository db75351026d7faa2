import SluiceCore

/// The source of an ingest run (`POST /ingest/:pipelineId`): the records of one request body,
/// already decoded into batches of the server's batch size, handed to the runner one batch
/// at a time (micro-batches) with the rows the body held that were not objects.
///
/// It stands in for the source a saved pipeline names, so it is never registered: no job
/// spec can name it, and `GET /components` does not list it. Its spec type, `ingest`, only
/// labels the jobs it ran (see ``IngestSource/spec(pipelineId:format:original:)``).
public struct IngestSource: Source {
    /// The type shown in an ingest job's stored spec.
    public static let type = "ingest"

    /// `source.config` of an ingest job, as stored: which pipeline the records were pushed
    /// to and how the body was read. Nothing of it is read back to run.
    public struct Config: Decodable, Sendable {
        /// The pipeline the request named.
        public var pipelineId: String?
        /// `json` or `ndjson`: how the body was read.
        public var format: String?
    }

    /// What the source is, for the protocol; no catalogue or reference page lists it.
    public static let declaration = ComponentDeclaration(
        summary: """
            The records of one `POST /ingest/:pipelineId` request body, run through the saved \
            pipeline's validation, transforms and target in batches of `BATCH_SIZE`. Not a \
            source a job spec can name.
            """,
        config: ObjectShape([]),
        examples: [])

    /// The body's batches, in order, each with its rows that were not records.
    let chunks: [SourceChunk]
    /// `ingest:<pipelineId>`, for lineage.
    public let location: String
    /// The size of the body.
    let byteCount: Int

    /// A source yielding `body`'s batches, named after the pipeline they were pushed to.
    public init(_ body: IngestBody, pipelineId: String) {
        self.init(chunks: body.chunks, byteCount: body.byteCount, location: "\(Self.type):\(pipelineId)")
    }

    /// An empty source (the protocol's initializer; the registry never calls it).
    public init(config: Config, context: ComponentContext) throws {
        self.init(chunks: [], byteCount: 0, location: "\(Self.type):\(config.pipelineId ?? "")")
    }

    private init(chunks: [SourceChunk], byteCount: Int, location: String) {
        self.chunks = chunks
        self.byteCount = byteCount
        self.location = location
    }

    /// A source with no records, for re-planning an ingest job whose records are handed in
    /// otherwise (a dead-letter retry).
    static let empty = IngestSource(chunks: [], byteCount: 0, location: type)

    /// A reader handing out the body's batches in order.
    public func open() async throws -> any BatchReader { IngestReader(chunks: chunks, expectedBytes: byteCount) }

    /// The spec of an ingest job into a pipeline whose source spec is `original`: the type
    /// `ingest` with the pipeline and the body's format, the original's schema (records are
    /// validated against it), and neither its lineage id (lineage shows `ingest:<pipelineId>`
    /// as where the records came from) nor its `incremental` (pushed records are all new: the
    /// pipeline's watermark is neither applied nor moved).
    public static func spec(pipelineId: String, format: IngestFormat, original: SourceSpec) -> SourceSpec {
        SourceSpec(
            type: type,
            config: ["pipelineId": .string(pipelineId), "format": .string(format.rawValue)],
            schema: original.schema)
    }
}

/// Hands out an ingest body's batches one by one.
final class IngestReader: BatchReader {
    private var remaining: ArraySlice<SourceChunk>
    let expectedBytes: Int?

    init(chunks: [SourceChunk], expectedBytes: Int) {
        remaining = chunks[...]
        self.expectedBytes = expectedBytes
    }

    func next() async throws -> SourceChunk? { remaining.popFirst() }
}
