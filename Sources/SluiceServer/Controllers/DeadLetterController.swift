import Hummingbird
import SluiceCore
import SluiceEngine

/// `GET /dlq` and `POST /dlq/retry/:jobId`.
struct DeadLetterController<Context: RequestContext> {
    let service: JobService

    func addRoutes(to router: Router<Context>) {
        router.get("/dlq", use: list)
        router.post("/dlq/retry/:jobId", use: retry)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let jobId = request.uri.queryParameters.get("jobId")
        let letters = try await service.store.deadLetters(jobId: jobId)
        return JSONResponse.make(["failed": .array(letters.map(Presentation.deadLetter)), "count": .int(letters.count)])
    }

    @Sendable func retry(_ request: Request, context: Context) async throws -> Response {
        let jobId = context.parameters.get("jobId") ?? ""
        let outcome: RetryOutcome
        do {
            outcome = try await service.retryDeadLetters(jobId: jobId)
        } catch let error as RetryError {
            switch error {
            case .unknownJob: throw APIError(.notFound, error.description, path: "jobId")
            case .unplannable(let planError): throw APIError(planError: planError)
            }
        }
        var o = ValueObject()
        o["retried"] = .int(outcome.retried)
        o["succeeded"] = .int(outcome.retried - outcome.failed)
        o["failed"] = .int(outcome.failed)
        o["records"] = .array(outcome.succeeded.map(Value.object))
        if let failure = outcome.failure { o["error"] = .string(failure) }
        return JSONResponse.make(.object(o), status: outcome.failure == nil ? .ok : .internalServerError)
    }
}
