#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts line feeds; a simple loop the compiler vectorizes.
@inline(__always)
func countLineFeeds(_ bytes: UnsafeRawBufferPointer) -> Int {
    var n = 0
    for b in bytes where b == 0x0A { n += 1 }
    return n
}

/// The index of the first line feed in `p` at or after `start`, via the C library's
/// vectorized `memchr`.
@inline(__always)
func firstLineFeed(_ p: UnsafeRawBufferPointer, from start: Int) -> Int? {
    guard start < p.count, let base = p.baseAddress else { return nil }
    guard let hit = memchr(base + start, 0x0A, p.count - start) else { return nil }
    return UnsafeRawPointer(hit) - base
}
