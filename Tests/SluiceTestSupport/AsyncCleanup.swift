/// Runs `body`, then `cleanup` however `body` ended (returned or threw): a `defer` that can
/// await, for ending helper processes without blocking a thread of the cooperative pool.
///
///     let server = try await StreamTestServer(script: script)
///     try await withAsyncCleanup {
///         …
///     } cleanup: {
///         await server.stop()
///     }
///
/// `body`'s error, if any, is rethrown after `cleanup` has run. (`body` is always taken as
/// throwing: a closure whose only `try`s are in `#expect` would otherwise be inferred as
/// one that does not throw.)
public func withAsyncCleanup<T>(_ body: () async throws -> T, cleanup: () async -> Void) async throws -> T {
    let result: Result<T, any Error>
    do {
        result = .success(try await body())
    } catch {
        result = .failure(error)
    }
    await cleanup()
    return try result.get()
}
