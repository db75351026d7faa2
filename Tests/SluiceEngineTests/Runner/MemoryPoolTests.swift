import SluiceEngine
import Testing

/// The server-wide memory pool grants budgets up to its size, makes a run wait when less
/// than the minimum is left, wakes it when memory comes back, and lets a cancelled run go.
@Suite struct MemoryPoolTests {
    static let mb = 1 << 20

    @Test func grantsWhatIsLeftAndWaitsBelowTheMinimum() async throws {
        let pool = MemoryPool(limitBytes: 300 * Self.mb)
        #expect(try await pool.reserve(200 * Self.mb) == 200 * Self.mb)
        // 100 MB left: at least the 64 MB minimum, so granted, though less than asked.
        #expect(try await pool.reserve(200 * Self.mb) == 100 * Self.mb)
        #expect(pool.grantedBytes == 300 * Self.mb)
        let waiting = Task { try await pool.reserve(128 * Self.mb) }
        pool.release(200 * Self.mb)
        #expect(try await waiting.value == 128 * Self.mb)
        #expect(pool.grantedBytes == 228 * Self.mb)
    }

    @Test func aCancelledWaitThrowsAndTakesNothing() async throws {
        let pool = MemoryPool(limitBytes: 64 * Self.mb)
        #expect(try await pool.reserve(64 * Self.mb) == 64 * Self.mb)
        let waiting = Task { try await pool.reserve(64 * Self.mb) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(pool.grantedBytes == 64 * Self.mb)
        pool.release(64 * Self.mb)
        #expect(pool.grantedBytes == 0)
    }
}
