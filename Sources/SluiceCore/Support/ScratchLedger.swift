#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A record of the temporary files jobs create (a file target's output before its rename,
/// later spill files), kept so that none outlives its job, whatever ends it.
///
/// Before a component creates a temporary file it calls ``record(_:jobId:)``, which appends
/// the path to `<directory>/<jobId>.scratch` and flushes it to disk. When the job ends, in
/// any way, the service calls ``sweep(jobId:)``: every listed file that still exists is
/// removed, then the ledger itself. A process killed mid-job leaves its ledger behind, and the
/// next server or command-line start sweeps the ledgers of every job that is no longer
/// running (``sweepAll(keeping:)``). Temporary files are also named after their job, so a
/// human can tell whose they are.
///
/// A job that appends to a file in place (a continuous job's micro-batches) holds the append
/// instead (``holdAppend(_:length:jobId:)``): `<directory>/<jobId>.append` names the file and
/// its length before the first byte is written, and is removed once the bytes are synced
/// (``releaseAppend(jobId:)``). A sweep that finds a hold cuts the file back to that length, so
/// a crash leaves the file as its last committed micro-batch left it.
///
/// A ledger with no directory records nothing (for tests and embedded use).
public struct ScratchLedger: Sendable {
    /// Where the ledgers live (the state database's directory + `/scratch`), or `nil`.
    public let directory: String?

    /// A ledger in `directory`, created when missing; `nil` records nothing.
    public init(directory: String?) {
        self.directory = directory
    }

    /// A ledger that records nothing.
    public static let disabled = ScratchLedger(directory: nil)

    /// Notes that job `jobId` is about to create `path`. Throws when the note cannot be made
    /// durable, so no file is ever created that a later sweep would not find.
    public func record(_ path: String, jobId: String) throws(ScratchLedgerError) {
        guard let directory else { return }
        try ensureDirectory(directory)
        let ledger = ledgerPath(jobId: jobId)
        var info = stat()
        let isNew = stat(ledger, &info) != 0
        let fd = open(ledger, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ScratchLedgerError(path: ledger, errno: errno) }
        defer { close(fd) }
        // The first line names the process, so another process sweeps this ledger only once
        // that process is gone.
        let line = Array(((isNew ? Self.ownerPrefix + ProcessIdentity.current + "\n" : "") + path + "\n").utf8)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else { throw ScratchLedgerError(path: ledger, errno: errno) }
    }

    /// Notes that job `jobId` is about to append to `path`, which is now `length` bytes long:
    /// should the job end without ``releaseAppend(jobId:)``, a sweep cuts the file back to
    /// `length`. The note (`<length> <device>:<inode> <path>` after the owner line) also names
    /// the file's identity, so a file put in its place since (renamed over it) is never cut. It
    /// replaces any earlier note of the job (a job appends to one file at a time) and is written
    /// to a temporary file, synced, renamed into place and the rename synced, so once this
    /// returns a crash cannot lose it, and there is never half a note. Throws when that fails:
    /// the caller must then not write.
    public func holdAppend(_ path: String, length: Int, jobId: String) throws(ScratchLedgerError) {
        guard let directory else { return }
        try ensureDirectory(directory)
        let hold = holdPath(jobId: jobId)
        let temp = hold + Self.holdTempSuffix
        let action = "record the length of '\(path)' before appending to it"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ScratchLedgerError(path: temp, errno: errno, action: action) }
        var info = stat()
        let identity = lstat(path, &info) == 0 ? "\(info.st_dev):\(info.st_ino) " : ""
        let text = Array((Self.ownerPrefix + ProcessIdentity.current + "\n" + "\(length) \(identity)\(path)\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(fd) == 0 else {
            let code = written < 0 || written == text.count ? errno : ENOSPC
            close(fd)
            unlink(temp)
            throw ScratchLedgerError(path: temp, errno: code, action: action)
        }
        close(fd)
        guard rename(temp, hold) == 0 else {
            let code = errno
            unlink(temp)
            throw ScratchLedgerError(path: hold, errno: code, action: action)
        }
        try syncDirectory(directory, action: action)
    }

    /// Drops job `jobId`'s hold on the file it appends to, once what it appended is synced
    /// (the append is then committed: no sweep cuts it back). The removal is synced too, so a
    /// crash right after cannot bring the hold back. Does nothing when there is no hold.
    public func releaseAppend(jobId: String) throws(ScratchLedgerError) {
        guard let directory else { return }
        let hold = holdPath(jobId: jobId)
        let action = "release the hold on an appended file"
        if unlink(hold) != 0 {
            guard errno == ENOENT else { throw ScratchLedgerError(path: hold, errno: errno, action: action) }
            return
        }
        try syncDirectory(directory, action: action)
    }

    /// Removes every file job `jobId` recorded that still exists, then its ledger, and cuts the
    /// file it held an append on back to the held length (see ``holdAppend(_:length:jobId:)``).
    /// Returns the files removed or cut back.
    @discardableResult
    public func sweep(jobId: String) -> [String] {
        guard let directory else { return [] }
        let removed = sweepLedger(ledgerPath(jobId: jobId))
        let cut = cutBack(holdPath(jobId: jobId))
        if cut.released { syncDirectory(directory) }
        return removed + cut.files
    }

    /// Sweeps the ledgers and append holds of jobs that no process runs any more: those of
    /// processes that died mid-job, and those of this process's jobs not in `running`. Those of
    /// another live process (a server beside a command-line run) are left alone. Returns the
    /// files removed or cut back.
    @discardableResult
    public func sweepAll(keeping running: Set<String>) -> [String] {
        guard let directory, let dir = opendir(directory) else { return [] }
        var ledgers: [String] = []
        var holds: [String] = []
        var leftovers: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let suffix: String
            if name.hasSuffix(Self.suffix) {
                suffix = Self.suffix
            } else if name.hasSuffix(Self.holdSuffix) {
                suffix = Self.holdSuffix
            } else if name.hasSuffix(Self.holdSuffix + Self.holdTempSuffix) {
                suffix = Self.holdSuffix + Self.holdTempSuffix
            } else {
                continue
            }
            let jobId = Self.jobId(fromFileName: String(name.dropLast(suffix.count)))
            let file = directory + "/" + name
            let owner = Self.readLines(file).first { $0.hasPrefix(Self.ownerPrefix) }.map { String($0.dropFirst(Self.ownerPrefix.count)) }
            if let owner, owner != ProcessIdentity.current, ProcessIdentity.isAlive(owner) { continue }
            if owner == ProcessIdentity.current, running.contains(jobId) { continue }
            switch suffix {
            case Self.suffix: ledgers.append(file)
            case Self.holdSuffix: holds.append(file)
            default: leftovers.append(file)  // a hold being written when its process died: it held nothing yet
            }
        }
        closedir(dir)
        for leftover in leftovers { unlink(leftover) }
        let cuts = holds.map(cutBack)
        if cuts.contains(where: \.released) { syncDirectory(directory) }
        return ledgers.flatMap(sweepLedger) + cuts.flatMap(\.files)
    }

    static let suffix = ".scratch"
    /// The suffix of a job's append hold, and of the temporary file it is written to first.
    static let holdSuffix = ".append"
    static let holdTempSuffix = ".tmp"
    static let ownerPrefix = "#owner "

    /// The ledger file of `jobId`: the id with every byte that is not a letter, digit, `-` or
    /// `_` written as `%XX`, so any id maps to one safe file name and back.
    func ledgerPath(jobId: String) -> String {
        (directory ?? ".") + "/" + Self.fileName(jobId: jobId) + Self.suffix
    }

    /// The append hold of `jobId` (named like its ledger, see ``ledgerPath(jobId:)``).
    func holdPath(jobId: String) -> String {
        (directory ?? ".") + "/" + Self.fileName(jobId: jobId) + Self.holdSuffix
    }

    private static func fileName(jobId: String) -> String {
        var name = ""
        for byte in jobId.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                name += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return name
    }

    static func jobId(fromFileName name: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(name.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func sweepLedger(_ ledger: String) -> [String] {
        var removed: [String] = []
        for path in Self.readLines(ledger) where path.hasPrefix("/") && unlink(path) == 0 {
            removed.append(path)
        }
        unlink(ledger)
        return removed
    }

    /// Cuts the file an append hold names back to the held length (when it is longer), then
    /// removes the hold. A hold whose file cannot be cut is kept for a later sweep; one that
    /// cannot be read (no length, no path) is removed, as it holds nothing.
    private func cutBack(_ hold: String) -> (files: [String], released: Bool) {
        guard let bytes = Self.readBytes(hold) else { return ([], false) }
        var lines = bytes[...]
        if lines.starts(with: Self.ownerPrefix.utf8), let end = lines.firstIndex(of: UInt8(ascii: "\n")) {
            lines = lines[(end + 1)...]
        }
        // `<length> [<device>:<inode> ]<path>\n`: the path starts with `/` and runs to the end
        // (it may hold spaces, even line breaks), less the final line break.
        if lines.last == UInt8(ascii: "\n") { lines = lines.dropLast() }
        guard let space = lines.firstIndex(of: UInt8(ascii: " ")),
            let length = Int(String(decoding: lines[..<space], as: UTF8.self)), length >= 0
        else {
            unlink(hold)
            return ([], true)
        }
        lines = lines[(space + 1)...]
        var identity: String?
        if lines.first != UInt8(ascii: "/"), let next = lines.firstIndex(of: UInt8(ascii: " ")) {
            identity = String(decoding: lines[..<next], as: UTF8.self)
            lines = lines[(next + 1)...]
        }
        let path = String(decoding: lines, as: UTF8.self)
        guard path.hasPrefix("/") else {
            unlink(hold)
            return ([], true)
        }
        var cut: [String] = []
        let fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
                identity == nil || identity == "\(info.st_dev):\(info.st_ino)"
            else {
                unlink(hold)  // not the file that was held: nothing to cut
                return ([], true)
            }
            if Int(info.st_size) > length {
                guard ftruncate(fd, off_t(length)) == 0, fsync(fd) == 0 else { return ([], false) }
                cut.append(path)
            }
        } else if errno != ENOENT && errno != ELOOP && errno != ENXIO {
            return ([], false)  // kept: a later sweep tries again
        }
        unlink(hold)
        return (cut, true)
    }

    private static func readLines(_ path: String) -> [String] {
        (readBytes(path) ?? []).split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The whole file, or `nil` when it cannot be opened (there is none).
    private static func readBytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            bytes += buffer.prefix(n)
        }
        return bytes
    }

    /// Makes the creation, rename or removal of a file in `directory` durable.
    private func syncDirectory(_ directory: String, action: String) throws(ScratchLedgerError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ScratchLedgerError(path: directory, errno: errno, action: action) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ScratchLedgerError(path: directory, errno: errno, action: action) }
    }

    /// ``syncDirectory(_:action:)`` for a sweep, which reports nothing.
    private func syncDirectory(_ directory: String) {
        try? syncDirectory(directory, action: "")
    }

    private func ensureDirectory(_ path: String) throws(ScratchLedgerError) {
        var info = stat()
        if stat(path, &info) == 0 { return }
        // Create missing parents too (the state directory may not exist yet).
        var prefix = ""
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty && !path.hasPrefix("/") ? "" : "/") + part
            if stat(prefix, &info) != 0, mkdir(prefix, 0o700) != 0, errno != EEXIST {
                throw ScratchLedgerError(path: prefix, errno: errno)
            }
        }
    }
}

/// The scratch ledger could not be written, so the temporary file was not created (or the
/// append not started, or not committed).
public struct ScratchLedgerError: Error, Sendable, CustomStringConvertible {
    /// The file or directory that failed.
    public let path: String
    /// The system's reason.
    public let reason: String
    /// What could not be done, for the message.
    let action: String

    init(path: String, errno code: Int32, action: String = "record a temporary file") {
        self.path = path
        self.reason = String(cString: strerror(code))
        self.action = action
    }

    public var description: String { "cannot \(action) in '\(path)': \(reason)" }
}
