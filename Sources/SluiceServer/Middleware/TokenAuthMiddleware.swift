import Hummingbird

/// Requires `Authorization: Bearer <SLUICE_API_TOKEN>` on every endpoint except `/health`.
///
/// The comparison takes the same time whatever the first differing byte, so the token cannot
/// be guessed byte by byte from response times.
struct TokenAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/health" { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), Self.constantTimeEqual(Array(header.utf8.dropFirst(prefix.utf8.count)), token) else {
            throw APIError(.unauthorized, "missing or wrong bearer token; send 'Authorization: Bearer <SLUICE_API_TOKEN>'")
        }
        return try await next(request, context)
    }

    /// Compares in time that depends only on the lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
