#if canImport(Glibc)
import Glibc
#endif

/// A job exceeded `MAX_MEMORY_MB`: it fails with this message, the process goes on.
public struct MemoryLimitExceeded: Error, Sendable, CustomStringConvertible {
    /// The limit in MB.
    public let limitMB: Int
    /// The step that holds the memory (`transforms[2] (aggregate)`).
    public let operation: String
    /// What it would hold, in bytes.
    public let bytes: Int
    /// What the step holds that cannot go to disk, when it could spill the rest.
    public var afterSpilling = false

    public var description: String {
        if afterSpilling {
            return "\(operation) holds about \(Self.megabytes(bytes)) MB even after moving its data to disk (its keys stay in "
                + "memory), over its share of the memory limit of \(limitMB) MB (MAX_MEMORY_MB); raise MAX_MEMORY_MB or "
                + "reduce the number of distinct keys"
        }
        return "\(operation) would hold about \(Self.megabytes(bytes)) MB, over the memory limit of \(limitMB) MB (MAX_MEMORY_MB); "
            + "raise MAX_MEMORY_MB or reduce the number of groups / the lookup data"
    }

    /// `bytes` in MB, with one decimal below 10 MB.
    static func megabytes(_ bytes: Int) -> String {
        bytes >= 10 << 20 ? "\(bytes >> 20)" : String(Double(bytes * 10 / (1 << 20)) / 10)
    }
}

/// A run's memory budget (`MAX_MEMORY_MB`), kept with two measures:
///
/// - What each stateful step and lookup data set says it holds. A step that can spill moves
///   its state to disk when it holds more than its share of ``stateAllowance``; one that
///   cannot fails the job when the steps together would hold more than the limit.
/// - The process's resident memory (RSS), sampled as batches go by. Above
///   ``residentBaseBytes`` + the limit, the largest spillable state is moved to disk at once,
///   whatever the estimates say, and freed memory is handed back to the system.
///
/// Blocks in flight (read, decoded, transformed, encoded) are not counted as state: a share
/// of the limit, ``inFlightReserve``, is set aside for them.
struct MemoryBudget {
    /// The job's limit.
    let limitBytes: Int
    /// The part of the limit that stateful steps may hold between them.
    let stateAllowance: Int
    private var held: [String: Int] = [:]

    /// What the process holds before any job runs (the program, its libraries, the runtime
    /// and the state database's cache), which `MAX_MEMORY_MB` does not count.
    static let residentBaseBytes = 64 << 20
    /// States smaller than this are never spilled: the files would cost more than they save
    /// (1 MB, or an eighth of a smaller limit).
    let smallestSpill: Int

    init(limitBytes: Int, workers: Int = 1, blockBytes: Int = 4 << 20) {
        self.limitBytes = limitBytes
        // Each block in flight is held as bytes, as decoded columns and as output; at most
        // `2 × workers` are in flight. Never more than half the limit.
        let reserve = min(limitBytes / 2, Self.inFlightReserve(workers: workers, blockBytes: blockBytes))
        stateAllowance = limitBytes - reserve
        smallestSpill = min(1 << 20, max(1, limitBytes / 8))
    }

    /// What blocks in flight may hold.
    static func inFlightReserve(workers: Int, blockBytes: Int) -> Int { 2 * max(1, workers) * blockBytes * 4 }

    /// Records that `operation` now holds `bytes`; throws when the total goes over the limit.
    mutating func set(_ bytes: Int, for operation: String) throws {
        held[operation] = bytes
        let total = held.values.reduce(0, +)
        if total > limitBytes {
            throw MemoryLimitExceeded(limitMB: limitBytes >> 20, operation: operation, bytes: bytes)
        }
    }

    /// Records what a spilling step holds, without a limit (it spills instead).
    mutating func note(_ bytes: Int, for operation: String) { held[operation] = bytes }

    /// What the steps other than `operation` hold.
    func heldByOthers(than operation: String) -> Int { held.reduce(0) { $0 + ($1.key == operation ? 0 : $1.value) } }

    /// Whether the process's resident memory is over the base plus the limit.
    func residentIsOver() -> Bool {
        ResourceMeter.residentBytes() > Self.residentBaseBytes + limitBytes
    }

    /// The most the run held at once, in bytes.
    private(set) var peak = 0

    mutating func notePeak() { peak = max(peak, held.values.reduce(0, +)) }
}

/// Hands memory that was freed back to the system, so the resident size follows what the
/// process holds (glibc keeps freed pages of its heaps otherwise).
enum MemoryRelease {
    private typealias Trim = @convention(c) (Int) -> Int32

    /// glibc's `malloc_trim`, which the C module does not export; looked up once.
    private static let mallocTrim: Trim? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    static func trim() { _ = mallocTrim?(0) }
}
