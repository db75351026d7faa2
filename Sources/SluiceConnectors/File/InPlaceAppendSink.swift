import SluiceCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A local file appended to in place, for the micro-batches of a continuous job
/// (``FileTarget/continuing()``): each commit costs what its own bytes cost, never a copy of
/// the file.
///
/// At open the file's length `L` is noted (a missing file is created, `L` = 0) and held in the
/// scratch ledger (``ScratchLedger/holdAppend(_:length:jobId:)``) before a byte is written.
/// Bytes then go after `L`. Commit syncs them and releases the hold; abort, a failed commit and
/// a sink let go of uncommitted cut the file back to `L` and release it; a crash leaves the
/// hold, and the next sweep cuts the file back. Readers may see the bytes of a micro-batch
/// before its commit (there is no rename to hide them), so they should read up to the last
/// line break only. The file is locked (`flock`) while the write is open, so two jobs never
/// append to it at once.
final class InPlaceAppendSink: FileSink {
    /// The file's length before this write.
    let length: Int
    /// The file's last byte before this write (`nil` for an empty file).
    let lastByte: UInt8?
    private let fd: Int32
    /// The file as messages name it (resolved path, and the configured one when it differs).
    private let shown: String
    private let directory: String
    private let created: Bool
    private let scratch: ScratchLedger
    private let jobId: String
    private let state = Mutex(State())

    private struct State {
        /// Bytes written after ``length``.
        var written = 0
        var finished = false
    }

    /// Opens (or creates) `path`, an authorized absolute path whose directory exists, and
    /// holds it at its current length for job `jobId`. `shown` names it in messages.
    init(path: String, shown: String, scratch: ScratchLedger, jobId: String) throws {
        self.shown = shown
        self.directory = DataRoots.parent(of: path)
        self.scratch = scratch
        self.jobId = jobId
        // Never through a symbolic link swapped in since the path was authorized, and never
        // blocking on a FIFO.
        let flags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
        var fd = Glibc.open(path, flags)
        var created = false
        if fd < 0, errno == ENOENT {
            fd = Glibc.open(path, flags | O_CREAT | O_EXCL, 0o644)
            created = fd >= 0
        }
        guard fd >= 0 else {
            throw ConnectorError.io("cannot append to \(shown): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw ConnectorError.io("cannot append to \(shown): it is not a regular file")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw ConnectorError.io("cannot append to \(shown): " + (busy ? "another write is appending to it" : "cannot lock it: \(reason)"))
        }
        let length = Int(info.st_size)
        var last: UInt8 = 0
        if length > 0 {
            guard pread(fd, &last, 1, off_t(length - 1)) == 1 else {
                let reason = String(cString: strerror(errno))
                Glibc.close(fd)
                throw ConnectorError.io("cannot append to \(shown): cannot read its last byte: \(reason)")
            }
        }
        do {
            try scratch.holdAppend(path, length: length, jobId: jobId)
        } catch {
            Glibc.close(fd)
            throw ConnectorError.io("cannot append to \(shown): \(error)")
        }
        self.fd = fd
        self.length = length
        self.lastByte = length > 0 ? last : nil
        self.created = created
    }

    deinit {
        if !state.withLock({ $0.finished }) { cutBack() }
        Glibc.close(fd)
    }

    func write(_ bytes: [UInt8]) async throws {
        var offset = 0
        while offset < bytes.count {
            let at = length + state.withLock { $0.written }
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pwrite(fd, base + offset, raw.count - offset, off_t(at))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ConnectorError.io("write to \(shown) failed: \(String(cString: strerror(errno)))")
            }
            offset += n
            state.withLock { $0.written += n }
        }
    }

    /// Syncs the appended bytes (and, for a file this write created, its directory entry),
    /// then releases the hold. On failure the file is cut back first.
    func commit() async throws {
        defer { state.withLock { $0.finished = true } }
        guard fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            cutBack()
            throw ConnectorError.io("fsync of \(shown) failed: \(reason)")
        }
        if created, !syncDirectory() {
            let reason = String(cString: strerror(errno))
            cutBack()
            throw ConnectorError.io("cannot sync the directory of \(shown): \(reason)")
        }
        do {
            try scratch.releaseAppend(jobId: jobId)
        } catch {
            cutBack()
            throw ConnectorError.io("cannot commit the append to \(shown): \(error)")
        }
        _ = flock(fd, LOCK_UN)
    }

    func abort() async {
        state.withLock { $0.finished = true }
        cutBack()
    }

    /// Cuts the file back to ``length`` and releases the hold; when the cut fails the hold
    /// stays, for the sweep at the job's end.
    private func cutBack() {
        defer { _ = flock(fd, LOCK_UN) }
        guard ftruncate(fd, off_t(length)) == 0, fsync(fd) == 0 else { return }
        try? scratch.releaseAppend(jobId: jobId)
    }

    private func syncDirectory() -> Bool {
        let dir = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { return false }
        defer { Glibc.close(dir) }
        return fsync(dir) == 0
    }
}
