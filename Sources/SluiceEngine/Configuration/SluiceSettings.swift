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
    /// `MAX_MEMORY_MB`: memory budget for a job (default 2048).
    public var maxMemoryMB: Int
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
    /// The environment, for `${env:NAME}` references in job specs.
    public var environment: [String: String]

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
        dataRoots = DataRoots(roots)
        apiToken = environment["SLUICE_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        maxBodyBytes = try integer("SLUICE_MAX_BODY_MB", default: 16, range: 1...4096) * 1_048_576
        batchSize = try integer("BATCH_SIZE", default: 4096, range: 1...1_000_000)
        maxWorkers = try integer("MAX_WORKERS", default: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), range: 1...1024)
        maxMemoryMB = try integer("MAX_MEMORY_MB", default: 2048, range: 16...1_048_576)
        blockBytes = try integer("SLUICE_BLOCK_KB", default: RunSettings.defaultBlockBytes >> 10, range: 4...1_048_576) << 10
        maxConcurrentJobs = try integer("MAX_CONCURRENT_JOBS", default: 4, range: 1...1024)
        shutdownGraceSeconds = try integer("SLUICE_SHUTDOWN_GRACE_S", default: 30, range: 0...86_400)
        let level = environment["LOG_LEVEL"]?.lowercased() ?? "info"
        guard let parsed = Logger.Level(rawValue: level == "warn" ? "warning" : level) else {
            throw Invalid(variable: "LOG_LEVEL", message: "expected one of trace, debug, info, notice, warning, error, critical, got '\(level)'")
        }
        logLevel = parsed
        self.environment = environment
    }
}
