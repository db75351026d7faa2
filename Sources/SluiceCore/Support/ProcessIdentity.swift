#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Names a process uniquely on this machine — its pid and the time it started, since a pid
/// alone is reused — so a job's record can say which process runs it and a later start can
/// tell whether that process is still alive.
///
/// The form is `<pid>:<start>`, where `<start>` is the process's start time in clock ticks
/// since boot (field 22 of `/proc/<pid>/stat`), or `0` where `/proc` is missing.
public enum ProcessIdentity {
    /// This process.
    public static let current: String = identity(of: getpid()) ?? "\(getpid()):0"

    /// Whether the process `owner` names is still running. An owner that cannot be read is
    /// taken as dead only when its pid is gone or now belongs to a later process.
    public static func isAlive(_ owner: String) -> Bool {
        let parts = owner.split(separator: ":")
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0 else { return false }
        if owner == current { return true }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let now = identity(of: pid) else { return true }
        return now == owner || parts[1] == "0"
    }

    /// `<pid>:<start>` of a running process, or `nil` when `/proc` does not say.
    public static func identity(of pid: Int32) -> String? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after
        // its closing parenthesis. Field 3 follows it, so the start time (22) is the 20th there.
        guard let close = buffer.prefix(n).lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(close + 1)..<n].split(separator: UInt8(ascii: " "))
        guard fields.count >= 20 else { return nil }
        return "\(pid):" + String(decoding: fields[19], as: UTF8.self)
    }
}
