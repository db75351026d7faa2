import Hummingbird
import NIOCore
import SluiceCore
import SluiceEngine

/// `POST /ingest/:pipelineId`: records pushed by other systems, run through a saved
/// pipeline's validation, transforms and target as one job (see ``JobService/ingest(_:format:intoPipeline:)``).
///
/// The body is read by its Content-Type: `application/json` is one JSON document (an object,
/// which is one record, or an array of records), `application/x-ndjson` (also
/// `application/ndjson`, `application/jsonl`, `application/x-jsonlines`) one object per
/// line, and any other type (`application/octet-stream`) is detected from the body. The
/// types a web page can send to another origin without asking first (`text/plain`, forms)
/// and a missing type are refused with 415, as on every endpoint, so a browser cannot be
/// made to push records.
///
/// Answers 200 `{jobId, pipelineId, received, accepted, rejected, status: "completed"}`; 404
/// for an unknown pipeline; 400 for an empty body or a JSON document that does not parse
/// (naming the line and byte); 413 over `SLUICE_MAX_BODY_MB`. A job that fails (its target
/// refuses the write) answers 500 with the API's error shape and the job's id and counts,
/// its target left as it was, so the sender can send the same body again; a job cancelled
/// with `POST /jobs/:id/cancel` answers 503 the same way, and so does a request during shutdown.
struct IngestController<Context: RequestContext> {
    let service: JobService
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.post("/ingest/:pipelineId", use: ingest)
    }

    @Sendable func ingest(_ request: Request, context: Context) async throws -> Response {
        let pipelineId = context.parameters.get("pipelineId") ?? ""
        let format = try Self.format(of: request.mediaType, header: request.headers[.contentType])
        var request = request
        let body = try await request.limitedBody(maxBodyBytes)
        let outcome: IngestOutcome
        do {
            outcome = try await service.ingest(Array(buffer: body), format: format, intoPipeline: pipelineId)
        } catch let error as IngestError {
            switch error {
            case .unknownPipeline: throw APIError(.notFound, error.description, path: "pipelineId")
            case .unreadableBody: throw APIError(.badRequest, error.description)
            }
        } catch let error as JobPlanError {
            throw APIError(planError: error)
        } catch let error as NotAcceptingJobs {
            throw APIError(.serviceUnavailable, error.description)
        }
        return Self.answer(outcome)
    }

    /// The body's format for a media type: `nil` to detect it; 415 for the types a web page
    /// may send anywhere, and for none.
    static func format(of mediaType: String?, header: String?) throws -> IngestFormat? {
        switch mediaType {
        case "application/json": return .json
        case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonl",
            "application/jsonlines", "application/x-jsonlines":
            return .ndjson
        case nil, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
            throw APIError(
                .unsupportedMediaType,
                "ingest bodies must be sent with Content-Type: application/json or application/x-ndjson, got "
                    + (header.map { "'\($0)'" } ?? "none"))
        default: return nil
        }
    }

    /// The answer: 200 for a completed job, else the job's error with 500 (failed) or 503
    /// (cancelled), with the job's id and counts either way.
    static func answer(_ outcome: IngestOutcome) -> Response {
        var o = ValueObject()
        let job = outcome.job
        let status: HTTPResponse.Status
        switch job.status {
        case .completed: status = .ok
        case .cancelled: status = .serviceUnavailable
        default: status = .internalServerError
        }
        if status != .ok {
            let message = Secrets.redactText(job.error ?? "the job did not complete")
            o["error"] = ["message": .string("ingest job \(job.id) \(job.status.rawValue): \(message)"), "path": .null]
        }
        o["jobId"] = .string(job.id)
        o["pipelineId"] = .string(outcome.pipelineId)
        o["received"] = .int(outcome.received)
        o["accepted"] = .int(outcome.accepted)
        o["rejected"] = .int(outcome.rejected)
        o["status"] = .string(job.status.rawValue)
        return JSONResponse.make(.object(o), status: status)
    }
}
