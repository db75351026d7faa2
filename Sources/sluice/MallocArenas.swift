#if canImport(Glibc)
import Glibc
#endif

/// Keeps glibc's malloc to a single arena, so that what a job frees goes back to the system.
///
/// By default glibc gives each new thread its own arena (up to eight per core). Memory freed
/// at the top of such an arena stays resident: `malloc_trim` hands back only the main arena's
/// top, and every other arena keeps up to its trim threshold, which glibc raises to twice the
/// largest block freed (up to 64 MB). A server that ran jobs on several threads therefore
/// stayed megabytes above its idle size. With one arena, the trim after each job returns it.
/// On two cores the single arena measured no slower on the benchmark jobs (see
/// `bench/README.md`); `MALLOC_ARENA_MAX` or `GLIBC_TUNABLES` in the environment still decide
/// when set.
enum MallocArenas {
    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32

    /// `M_ARENA_MAX` of `<malloc.h>`.
    private static let arenaMaxOption: Int32 = -8

    /// Limits malloc to one arena unless the environment chose a limit; call before other
    /// threads start. Answers whether the limit was set here.
    @discardableResult
    static func limitToOne() -> Bool {
        #if canImport(Glibc)
        if getenv("MALLOC_ARENA_MAX") != nil { return false }
        if let tunables = getenv("GLIBC_TUNABLES"), String(cString: tunables).contains("glibc.malloc.arena_max") { return false }
        // `mallopt` is not exported by the Glibc module; looked up like `malloc_trim` is.
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        return mallopt(arenaMaxOption, 1) == 1
        #else
        return false
        #endif
    }
}
