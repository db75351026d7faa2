import Hummingbird
import SluiceCore
import SluiceEngine

/// `POST /jobs`, `GET /jobs`, `GET /jobs/:id`, `POST /jobs/:id/cancel`, `POST /jobs/:id/stop`.
struct JobsController<Context: RequestContext> {
    let service: JobService
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.post("/jobs", use: create)
        router.get("/jobs", use: list)
        router.get("/jobs/:id", use: show)
        router.post("/jobs/:id/cancel", use: cancel)
        router.post("/jobs/:id/stop", use: stop)
    }

    /// Validates and runs a job; with `?async=true`, and always for a continuous job (which
    /// runs until it is stopped), answers 202 at once.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let spec = try await request.decodedSpec(JobSpec.self, as: "job", reader: service.reader, limit: maxBodyBytes)
        let async = request.uri.queryParameters.get("async").map { $0 == "true" || $0 == "1" } ?? false
        let finished: JobRecord
        do {
            finished = try await service.execute(spec, mode: async ? .background : .waitUnlessContinuous)
        } catch let error as JobPlanError {
            throw APIError(planError: error)
        } catch let error as DuplicateJobID {
            throw APIError(.conflict, error.description, path: "id")
        } catch let error as NotAcceptingJobs {
            throw APIError(.serviceUnavailable, error.description)
        }
        if async || !finished.status.isFinished {
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

    /// Stops a running job at its next batch boundary, leaving its target as it was: 202
    /// `{job: {id, status: "cancelling"}}`; the job's status then becomes `cancelled`.
    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        switch try await service.cancel(id: id) {
        case .stopping:
            return JSONResponse.make(["job": ["id": .string(id), "status": "cancelling"]], status: .accepted)
        case .finished(let status):
            throw APIError(.conflict, "job '\(id)' has already finished (\(status.rawValue)); there is nothing to cancel", path: "id")
        case .elsewhere:
            throw APIError(
                .conflict, "job '\(id)' is run by another process (a command-line run); stop that process to cancel it", path: "id")
        case .unknown:
            throw APIError(.notFound, "no job with id '\(id)'", path: "id")
        }
    }

    /// Stops a continuous job gracefully: it commits the micro-batch in progress, acknowledges
    /// it to its source and ends `completed`. 202 `{job: {id, status: "stopping"}}`.
    @Sendable func stop(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        switch try await service.stop(id: id) {
        case .stopping:
            return JSONResponse.make(["job": ["id": .string(id), "status": "stopping"]], status: .accepted)
        case .notContinuous:
            throw APIError(
                .conflict, "job '\(id)' is not continuous: it ends by itself when its input is read; use POST /jobs/\(id)/cancel to stop it early",
                path: "id")
        case .finished(let status):
            throw APIError(.conflict, "job '\(id)' has already finished (\(status.rawValue)); there is nothing to stop", path: "id")
        case .elsewhere:
            throw APIError(.conflict, "job '\(id)' is run by another process (a command-line run); stop that process to stop it", path: "id")
        case .unknown:
            throw APIError(.notFound, "no job with id '\(id)'", path: "id")
        }
    }
}
