import Hummingbird
import SluiceCore
import SluiceEngine

/// `POST /jobs`, `GET /jobs`, `GET /jobs/:id`.
struct JobsController<Context: RequestContext> {
    let service: JobService
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.post("/jobs", use: create)
        router.get("/jobs", use: list)
        router.get("/jobs/:id", use: show)
    }

    /// Validates and runs a job; with `?async=true` answers 202 at once.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let spec = try await request.decodedSpec(JobSpec.self, as: "job", reader: service.reader, limit: maxBodyBytes)
        let async = request.uri.queryParameters.get("async").map { $0 == "true" || $0 == "1" } ?? false
        let finished: JobRecord
        do {
            finished = try await service.execute(spec, mode: async ? .background : .wait)
        } catch let error as JobPlanError {
            throw APIError(planError: error)
        } catch let error as DuplicateJobID {
            throw APIError(.conflict, error.description, path: "id")
        }
        if async {
            var o = ValueObject()
            o["job"] = Presentation.jobSummary(finished)
            o["status"] = .string("/jobs/\(finished.id)")
            return JSONResponse.make(.object(o), status: .accepted)
        }
        var o = ValueObject()
        o["job"] = Presentation.job(finished)
        o["stats"] = finished.stats.map { Presentation.stats($0) } ?? .null
        return JSONResponse.make(.object(o))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let jobs = try await service.store.jobs()
        return JSONResponse.make(["jobs": .array(jobs.map(Presentation.jobSummary)), "count": .int(jobs.count)])
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let job = try await service.store.job(id: id) else {
            throw APIError(.notFound, "no job with id '\(id)'", path: "id")
        }
        return JSONResponse.make(Presentation.jobDetail(job))
    }
}
