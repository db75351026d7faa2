import Logging
import SluiceCore

#if canImport(Glibc)
import Glibc
#endif

/// Process settings, read once from the environment (the README's configuration table).
///
/// Every limit has a name, a default and a variable (house rule 7).
public struct SluiceSettings: Sendable {
    /// `HOST`: address to listen on (default 127.0.0.1: not reachable from other machines).
    public var host: String
    /// `PORT`: port to listen on (default 8001).
    public var port: Int
    /// `SLUICE_STATE`: path of the SQLite state database (default `./.sluice/state.db`).
    public var statePath: String
    /// `SLUICE_DATA_DIRS`: colon-separated directories file sources and targets may use
    /// (default: the working directory and the system temp directory).
    public var dataRoots: DataRoots
    /// `SLUICE_API_TOKEN`: when set, every endpoint but /health needs `Authorization: Bearer <token>`.
    public var apiToken: String?
    /// `SLUICE_MAX_BODY_MB`: largest request body accepted (default 16).
    public var maxBodyBytes: Int
    /// `BATCH_SIZE`: records per batch (default 4096).
    public var batchSize: Int
    /// `MAX_WORKERS`: parallel workers (default: the number of cores).
    public var maxWorkers: Int
    /// `MAX_MEMORY_MB`: memory budget for a job (default 2048): its resident memory above the
    /// process's base, which stateful steps keep to by spilling to disk.
    public var maxMemoryMB: Int
    /// `SLUICE_MAX_MEMORY_MB`: what all running jobs' budgets may add up to (default: three
    /// quarters of the machine's memory).
    public var serverMemoryMB: Int
    /// `SLUICE_SPILL_DIR`: where stateful steps put what does not fit in the budget (default
    /// `/tmp/sluice-spill`).
    public var spillDirectory: String
    /// `SLUICE_BLOCK_KB`: size of the blocks a CSV or NDJSON file is cut into for parallel
    /// decoding (default 4096 KB).
    public var blockBytes: Int
    /// `MAX_CONCURRENT_JOBS`: scheduled runs in progress at once, over all schedules (default 4).
    public var maxConcurrentJobs: Int
    /// `SLUICE_SHUTDOWN_GRACE_S`: seconds running scheduled jobs get to finish after SIGTERM
    /// before they are cancelled (default 30).
    public var shutdownGraceSeconds: Int
    /// `LOG_LEVEL`: trace, debug, info, notice, warning, error, critical (default info).
    public var logLevel: Logger.Level
    /// `SLUICE_IDLE_TIMEOUT_S`: seconds a connection may stay idle, no request arriving and
    /// no response being written, before the server closes it (default 60).
    public var idleTimeoutSeconds: Int
    /// `SLUICE_REQUEST_TIMEOUT_S`: seconds a request's head (request line and headers) may
    /// take to arrive from its first byte before the server closes the connection (default 30).
    public var requestTimeoutSeconds: Int
    /// `SLUICE_CORS_ORIGINS`: comma-separated exact origins (`https://app.example.com`) whose
    /// web pages may call the API; unset (the default) sends no CORS headers at all.
    public var corsOrigins: [String]
    /// `SLUICE_JOB_TIMEOUT_S`: the longest any job may run, in seconds (default 86400, one
    /// day); a job's own `timeoutMs` can only shorten it.
    public var jobTimeoutSeconds: Int
    /// Where the ledgers of jobs' temporary files live: `scratch` beside the state database.
    public var scratchDirectory: String
    /// The environment, for `${env:NAME}` references in job specs.
    public var environment: [String: String]
    /// `SLUICE_SECRET_ENV`: the variables `${env:NAME}` references may read, names and
    /// prefixes ending in `*`, separated by commas or colons (default `SLUICE_SECRET_*`).
    public var secretNames: SecretAllowList

    /// Every value an `${env:NAME}` reference may resolve to, which the log never shows.
    public var secretValues: SecretValues {
        SecretEnvironment(environment, allowing: secretNames).values
    }

    /// The server's own files, which no job may read or write whatever the data roots say:
    /// the state database with its journal files and the scratch ledgers beside it, or their
    /// whole directory when it is a directory of its own (the default `.sluice`).
    /// Three quarters of the machine's physical memory, in MB (at least 64).
    static var defaultServerMemoryMB: Int {
        let pages = Int(sysconf(Int32(_SC_PHYS_PAGES)))
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard pages > 0, pageSize > 0 else { return 4096 }
        return max(64, (pages / 1024) * (pageSize / 1024) * 3 / 4)
    }

    static func reservedPaths(statePath: String, roots: [String]) -> [ReservedPath] {
        let database = DataRoots.resolved(statePath)
        let directory = DataRoots.parent(of: database)
        let resolvedRoots = roots.map(DataRoots.resolved)
        let sharesADataDirectory = resolvedRoots.contains { root in
            root == directory || directory == "/" || root.hasPrefix(directory + "/")
        }
        if !sharesADataDirectory {
            return [ReservedPath(directory, what: "the server's state directory")]
        }
        return ["", "-wal", "-shm", "-journal"].map { ReservedPath(database + $0, what: "the server's state database") }
            + [ReservedPath(directory + "/scratch", what: "the server's scratch directory")]
    }

    /// The origins listed in `SLUICE_CORS_ORIGINS`: each `http(s)://host[:port]`, no path.
    static func origins(_ text: String) throws -> [String] {
        var origins: [String] = []
        for item in text.split(separator: ",") {
            var origin = item
            while origin.first?.isWhitespace == true { origin.removeFirst() }
            while origin.last?.isWhitespace == true { origin.removeLast() }
            guard !origin.isEmpty else { continue }
            let authority = origin.hasPrefix("https://") ? origin.dropFirst(8) : origin.hasPrefix("http://") ? origin.dropFirst(7) : ""
            guard !authority.isEmpty, !authority.contains("/") else {
                throw Invalid(
                    variable: "SLUICE_CORS_ORIGINS",
                    message: "expected comma-separated origins such as https://app.example.com (scheme, host and port, no path), got '\(origin)'")
            }
            origins.append(String(origin))
        }
        return origins
    }

    /// A configuration problem, naming the variable.
    public struct Invalid: Error, CustomStringConvertible {
        public let variable: String
        public let message: String
        public var description: String { "\(variable): \(message)" }
    }

    /// Reads the settings from `environment`.
    public init(environment: [String: String]) throws {
        func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = environment[name], !text.isEmpty else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw Invalid(variable: name, message: "expected a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
            }
            return number
        }
        host = environment["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = try integer("PORT", default: 8001, range: 0...65535)
        statePath = environment["SLUICE_STATE"].flatMap { $0.isEmpty ? nil : $0 } ?? "./.sluice/state.db"
        let roots = environment["SLUICE_DATA_DIRS"].map { $0.split(separator: ":").map(String.init) }
            ?? [".", environment["TMPDIR"] ?? "/tmp"]
        scratchDirectory = DataRoots.parent(of: DataRoots.resolved(statePath)) + "/scratch"
        dataRoots = DataRoots(roots, reserved: Self.reservedPaths(statePath: statePath, roots: roots))
        apiToken = environment["SLUICE_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        maxBodyBytes = try integer("SLUICE_MAX_BODY_MB", default: 16, range: 1...4096) * 1_048_576
        batchSize = try integer("BATCH_SIZE", default: 4096, range: 1...1_000_000)
        maxWorkers = try integer("MAX_WORKERS", default: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), range: 1...1024)
        maxMemoryMB = try integer("MAX_MEMORY_MB", default: 2048, range: 16...1_048_576)
        serverMemoryMB = try integer("SLUICE_MAX_MEMORY_MB", default: Self.defaultServerMemoryMB, range: 64...16_777_216)
        spillDirectory = environment["SLUICE_SPILL_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? RunSettings.defaultSpillDirectory
        blockBytes = try integer("SLUICE_BLOCK_KB", default: RunSettings.defaultBlockBytes >> 10, range: 4...1_048_576) << 10
        maxConcurrentJobs = try integer("MAX_CONCURRENT_JOBS", default: 4, range: 1...1024)
        shutdownGraceSeconds = try integer("SLUICE_SHUTDOWN_GRACE_S", default: 30, range: 0...86_400)
        idleTimeoutSeconds = try integer("SLUICE_IDLE_TIMEOUT_S", default: 60, range: 1...86_400)
        requestTimeoutSeconds = try integer("SLUICE_REQUEST_TIMEOUT_S", default: 30, range: 1...86_400)
        corsOrigins = try Self.origins(environment["SLUICE_CORS_ORIGINS"] ?? "")
        jobTimeoutSeconds = try integer("SLUICE_JOB_TIMEOUT_S", default: 86_400, range: 1...31_536_000)
        let level = environment["LOG_LEVEL"]?.lowercased() ?? "info"
        guard let parsed = Logger.Level(rawValue: level == "warn" ? "warning" : level) else {
            throw Invalid(variable: "LOG_LEVEL", message: "expected one of trace, debug, info, notice, warning, error, critical, got '\(level)'")
        }
        logLevel = parsed
        if let text = environment[SecretAllowList.variable], !text.isEmpty {
            do {
                secretNames = try SecretAllowList(parsing: text)
            } catch {
                throw Invalid(variable: SecretAllowList.variable, message: "\(error)")
            }
        } else {
            secretNames = .standard
        }
        self.environment = environment
    }
}
