import Hummingbird

/// Lets the web pages of the origins in `SLUICE_CORS_ORIGINS`, and only those, call the API
/// from a browser: their requests, and their preflight `OPTIONS` requests, get Hummingbird's
/// CORS headers allowing the API's methods and the `Authorization` and `Content-Type` headers.
///
/// A request from any other origin gets no `Access-Control-*` header, so the browser keeps
/// the answer from the page; its preflight is refused with 403. Without the setting this
/// middleware is not installed at all and no CORS header is ever sent.
struct CORSOriginsMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>
    private let cors: CORSMiddleware<Context>

    /// Allows exactly `origins` (`https://app.example.com`, compared as they are written).
    init(origins: [String]) {
        self.origins = Set(origins)
        cors = CORSMiddleware(
            allowOrigin: .originBased,
            allowHeaders: [.authorization, .contentType],
            allowMethods: [.get, .post, .put, .patch, .delete, .options])
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        if origins.contains(origin) { return try await cors.handle(request, context: context, next: next) }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            let refusal = APIError(.forbidden, "origin '\(origin)' is not allowed to call this API (SLUICE_CORS_ORIGINS)")
            return JSONResponse.make(refusal.body, status: refusal.status)
        }
        return try await next(request, context)
    }
}
