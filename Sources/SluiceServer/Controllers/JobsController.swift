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
        let spec = try await request.decodedBody(JobSpec.self, limit: maxBodyBytes)
        if let id = spec.id, try await service.store.job(id: id) != nil {
            throw APIError(.conflict, "a job with id '\(id)' exists; omit id to get a new one", path: "id")
        }
        let record: JobRecord
        let plan: JobPlan
        do {
            (record, plan) = try await service.submit(spec)
        } catch let error as JobPlanError {
            throw APIError(planError: error)
        }
        let async = request.uri.queryParameters.get("async").map { $0 == "true" || $0 == "1" } ?? false
        if async {
            service.start(record, plan: plan)
            var o = ValueObject()
            o["job"] = Presentation.jobSummary(record)
            o["status"] = .string("/jobs/\(record.id)")
            return JSONResponse.make(.object(o), status: .accepted)
        }
        let finished = try await service.run(record, plan: plan)
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
