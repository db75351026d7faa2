import SluiceCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a file target's bytes go, in order, until the write is committed (the whole file
/// appears at once) or aborted (nothing appears, and nothing is left behind).
protocol FileSink: Sendable {
    /// Appends `bytes`. Calls come one at a time, each after the one before has returned.
    func write(_ bytes: [UInt8]) async throws
    /// Makes the whole file visible. On failure nothing is visible and nothing is left behind.
    func commit() async throws
    /// Discards everything written. Never throws: it is the cleanup after a failure.
    func abort() async
}

/// A local file written as a temporary file beside it, synced and renamed over it on commit.
/// The temporary file is removed on abort, and when the sink goes away uncommitted.
final class LocalFileSink: FileSink {
    private let file: OpenFile
    private let tempPath: String
    private let finalPath: String
    private let finished = Mutex(false)

    init(fd: Int32, tempPath: String, finalPath: String) {
        file = OpenFile(fd)
        self.tempPath = tempPath
        self.finalPath = finalPath
    }

    deinit {
        if !finished.withLock({ $0 }) { unlink(tempPath) }
    }

    func write(_ bytes: [UInt8]) async throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(file.fd, base + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ConnectorError.io("write to '\(finalPath)' failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    func commit() async throws {
        defer { finished.withLock { $0 = true } }
        guard fsync(file.fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tempPath)
            throw ConnectorError.io("fsync of '\(tempPath)' failed: \(reason)")
        }
        guard rename(tempPath, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tempPath)
            throw ConnectorError.io("cannot rename '\(tempPath)' to '\(finalPath)': \(reason)")
        }
        syncDirectory()
    }

    /// Makes the rename itself durable: the directory entry is on disk once this returns. A
    /// failure here is not reported (the data is already in place and synced).
    private func syncDirectory() {
        let directory = finalPath.lastIndex(of: "/").map { String(finalPath[..<$0]) } ?? "."
        let fd = Glibc.open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        Glibc.close(fd)
    }

    func abort() async {
        finished.withLock { $0 = true }
        unlink(tempPath)
    }
}

/// An open file descriptor, closed when the last holder lets go of it.
private final class OpenFile: Sendable {
    let fd: Int32

    init(_ fd: Int32) {
        self.fd = fd
    }

    deinit {
        Glibc.close(fd)
    }
}
