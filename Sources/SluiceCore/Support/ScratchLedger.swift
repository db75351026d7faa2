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

    /// Removes every file job `jobId` recorded that still exists, then its ledger. Returns the
    /// files removed.
    @discardableResult
    public func sweep(jobId: String) -> [String] {
        guard directory != nil else { return [] }
        return sweepLedger(ledgerPath(jobId: jobId))
    }

    /// Sweeps the ledgers of jobs that no process runs any more: those of processes that died
    /// mid-job, and those of this process's jobs not in `running`. Ledgers of another live
    /// process (a server beside a command-line run) are left alone. Returns the files removed.
    @discardableResult
    public func sweepAll(keeping running: Set<String>) -> [String] {
        guard let directory, let dir = opendir(directory) else { return [] }
        var ledgers: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(Self.suffix) else { continue }
            let jobId = Self.jobId(fromFileName: String(name.dropLast(Self.suffix.count)))
            let ledger = directory + "/" + name
            let owner = Self.readLines(ledger).first { $0.hasPrefix(Self.ownerPrefix) }.map { String($0.dropFirst(Self.ownerPrefix.count)) }
            if let owner, owner != ProcessIdentity.current, ProcessIdentity.isAlive(owner) { continue }
            if owner == ProcessIdentity.current, running.contains(jobId) { continue }
            ledgers.append(ledger)
        }
        closedir(dir)
        return ledgers.flatMap(sweepLedger)
    }

    static let suffix = ".scratch"
    static let ownerPrefix = "#owner "

    /// The ledger file of `jobId`: the id with every byte that is not a letter, digit, `-` or
    /// `_` written as `%XX`, so any id maps to one safe file name and back.
    func ledgerPath(jobId: String) -> String {
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
        return (directory ?? ".") + "/" + name + Self.suffix
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

    private static func readLines(_ path: String) -> [String] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            bytes += buffer.prefix(n)
        }
        return bytes.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
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

/// The scratch ledger could not be written, so the temporary file was not created.
public struct ScratchLedgerError: Error, Sendable, CustomStringConvertible {
    /// The file or directory that failed.
    public let path: String
    /// The system's reason.
    public let reason: String

    init(path: String, errno code: Int32) {
        self.path = path
        self.reason = String(cString: strerror(code))
    }

    public var description: String { "cannot record a temporary file in '\(path)': \(reason)" }
}
