import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SluiceCore

/// Turns every error into the API's JSON error shape, so clients never get an empty or HTML
/// error body: unknown routes answer 404 `{"error": {"message", "path"}}` like unknown ids,
/// and a request whose HTTP framing is broken (a bad chunk size) answers 400, never 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return JSONResponse.make(error.body, status: error.status)
        } catch is NIOTooManyBytesError {
            let mb = maxBodyBytes / 1_048_576
            return JSONResponse.make(
                APIError(.contentTooLarge, "request body is larger than \(mb) MB (SLUICE_MAX_BODY_MB)").body, status: .contentTooLarge)
        } catch let error as HTTPParserError {
            let refusal = APIError(malformedRequest: error)
            return JSONResponse.make(refusal.body, status: refusal.status)
        } catch let error as HTTPError {
            let message: String
            switch error.status {
            case .notFound: message = "no route for \(request.method) \(request.uri.path)"
            case .methodNotAllowed: message = "method \(request.method) is not allowed on \(request.uri.path)"
            default: message = error.body ?? error.status.reasonPhrase
            }
            return JSONResponse.make(APIError(error.status, message).body, status: error.status)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return JSONResponse.make(APIError(.internalServerError, "internal error: \(error)").body, status: .internalServerError)
        }
    }
}
