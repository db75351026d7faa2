import Hummingbird
import SluiceCore
import SluiceEngine

/// `POST/GET /pipelines`, `GET/PUT/DELETE /pipelines/:id`: saved, named job specs that
/// schedules run by `pipelineId`.
struct PipelinesController<Context: RequestContext> {
    let service: JobService
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.post("/pipelines", use: create)
        router.get("/pipelines", use: list)
        router.get("/pipelines/:id", use: show)
        router.put("/pipelines/:id", use: replace)
        router.delete("/pipelines/:id", use: delete)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let spec = try await request.decodedSpec(PipelineSpec.self, as: "pipeline", reader: service.reader, limit: maxBodyBytes)
        return JSONResponse.make(Presentation.pipeline(try await save(spec, replacing: false)), status: .created)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let pipelines = try await service.store.pipelines()
        return JSONResponse.make(["pipelines": .array(pipelines.map(Presentation.pipeline)), "count": .int(pipelines.count)])
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(Presentation.pipeline(try await existing(context)))
    }

    /// Replaces the pipeline; the body's `id`, when given, must match the path's.
    @Sendable func replace(_ request: Request, context: Context) async throws -> Response {
        let id = try await existing(context).spec.id
        var request = request
        var body = try await request.jsonBody(limit: maxBodyBytes)
        if case .object(var object) = body {
            try APIError.checkBodyID(object, matches: id)
            object["id"] = .string(id)
            body = .object(object)
        }
        let spec = try service.reader.decoded(PipelineSpec.self, as: "pipeline", body)
        return JSONResponse.make(Presentation.pipeline(try await save(spec, replacing: true)))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard try await service.store.deletePipeline(id: id) else {
            throw APIError(.notFound, "no pipeline with id '\(id)'", path: "id")
        }
        return JSONResponse.make(["deleted": .string(id)])
    }

    private func existing(_ context: Context) async throws -> PipelineRecord {
        let id = context.parameters.get("id") ?? ""
        guard let pipeline = try await service.store.pipeline(id: id) else {
            throw APIError(.notFound, "no pipeline with id '\(id)'", path: "id")
        }
        return pipeline
    }

    private func save(_ spec: PipelineSpec, replacing: Bool) async throws -> PipelineRecord {
        do {
            return try await service.savePipeline(spec, replacing: replacing)
        } catch let error as ScheduleError {
            throw APIError(error) { "a pipeline with id '\($0)' exists; PUT /pipelines/\($0) replaces it" }
        }
    }
}
