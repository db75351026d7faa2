#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where one run's stateful steps put what does not fit in its memory budget, and what they
/// put there (bytes and time, for the run's stats).
///
/// Spill files have no name: each is created with `O_TMPFILE` in ``directory`` (or created
/// and unlinked at once where the file system lacks `O_TMPFILE`), and lives exactly as long
/// as its descriptor. So a run that succeeds, fails, is cancelled or is killed leaves nothing
/// behind: the kernel frees the blocks when the last descriptor closes, also at process
/// death. The directory only tells the kernel which file system to use (`SLUICE_SPILL_DIR`).
public final class SpillSpace: Sendable {
    /// The directory spill files are created in.
    public let directory: String
    private let counters = Mutex(Counters())

    struct Counters {
        var bytesWritten = 0
        var filesCreated = 0
        var time: Duration = .zero
        var openFiles = 0
    }

    /// A space in `directory`, which is created when missing.
    public init(directory: String) {
        self.directory = directory
    }

    /// Bytes written to spill files so far.
    public var bytesWritten: Int { counters.withLock { $0.bytesWritten } }
    /// Spill files created so far.
    public var filesCreated: Int { counters.withLock { $0.filesCreated } }
    /// Spill files still open (each holds disk space until closed).
    public var openFiles: Int { counters.withLock { $0.openFiles } }
    /// Time spent writing and reading spill files.
    public var time: Duration { counters.withLock { $0.time } }

    /// Linux's `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`), which the C module does not export.
    static let temporaryFileFlag: Int32 = 0o20000000 | O_DIRECTORY

    /// Creates an unnamed file for writing and reading back.
    func createFile() throws(SpillError) -> Int32 {
        try Self.ensureDirectory(directory)
        var fd = open(directory, Self.temporaryFileFlag | O_RDWR | O_CLOEXEC, 0o600)
        if fd < 0 {
            // No O_TMPFILE on this file system: create a name and drop it at once.
            var template = Array((directory + "/sluice-spill-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
            guard fd >= 0 else { throw SpillError(directory: directory, errno: errno, action: "create a spill file in") }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            template.withUnsafeBufferPointer { buffer in _ = buffer.baseAddress.map { unlink($0) } }
        }
        counters.withLock {
            $0.filesCreated += 1
            $0.openFiles += 1
        }
        return fd
    }

    func closed() { counters.withLock { $0.openFiles -= 1 } }

    func noteWrite(bytes: Int, time: Duration) {
        counters.withLock {
            $0.bytesWritten += bytes
            $0.time += time
        }
    }

    func noteRead(time: Duration) { counters.withLock { $0.time += time } }

    static func ensureDirectory(_ path: String) throws(SpillError) {
        var info = stat()
        if stat(path, &info) == 0 { return }
        var partial = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            partial += "/" + component
            if stat(partial, &info) != 0, mkdir(partial, 0o700) != 0, errno != EEXIST {
                throw SpillError(directory: path, errno: errno, action: "create the spill directory")
            }
        }
    }

    /// Removes named spill files (`sluice-spill-*`) that a process killed between creating
    /// and unlinking one could have left in `directory`; returns how many.
    @discardableResult
    public static func removeLeftovers(in directory: String) -> Int {
        guard let dir = opendir(directory) else { return 0 }
        defer { closedir(dir) }
        var removed = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix("sluice-spill-"), unlink(directory + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }
}

/// A spill file could not be created, written or read back.
public struct SpillError: Error, Sendable, CustomStringConvertible {
    /// The spill directory.
    public let directory: String
    /// The system's error number.
    public let errno: Int32
    /// What failed.
    public let action: String

    public var description: String {
        let reason = String(cString: strerror(errno))
        return "could not \(action) \(directory) (SLUICE_SPILL_DIR): \(reason)"
    }
}
