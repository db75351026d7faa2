import Foundation
import Logging
import SluiceConnectors
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Synchronization

/// Plans and runs jobs for the connect-retry and circuit-breaker tests with one set of
/// shared resources, whose ``EndpointGuards`` (on the clock given) are registered before any
/// job is planned.
struct ConnectHarness {
    let resources = SharedResources()
    let guards: EndpointGuards
    let planner: JobPlanner
    let dir: TemporaryDirectory

    init(clock: EndpointClock = .system) throws {
        dir = try TemporaryDirectory()
        guards = try resources.resource(EndpointGuards.resourceKey) { EndpointGuards(clock: clock) }
        planner = JobPlanner(
            registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 300, environment: [:], resources: resources)
    }

    /// A job reading `source` into `target` (default: a JSON Lines file).
    func plan(source: String, target: String? = nil) throws -> JobPlan {
        let output = target ?? #"{"type": "file", "config": {"path": "\#(dir.file("out-\(UUID().uuidString).jsonl"))"}}"#
        let json = #"{"name": "connect", "source": \#(source), "target": \#(output)}"#
        return try planner.plan(try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json)))
    }

    func run(source: String, target: String? = nil) async throws -> JobOutcome {
        await JobRunner.run(try plan(source: source, target: target), logger: Logger(label: "connect"))
    }

    func shutdown() async {
        await resources.shutdown()
        dir.remove()
    }
}

/// A clock the test moves by hand; sleeping moves it.
final class ManualClock: Sendable {
    private let seconds: Mutex<Double>

    init(_ start: Double) { seconds = Mutex(start) }

    var now: Double { seconds.withLock { $0 } }

    func advance(_ by: Double) { seconds.withLock { $0 += by } }

    var endpointClock: EndpointClock {
        EndpointClock(now: { self.now }, sleep: { self.advance($0) })
    }
}

extension DatabaseConnectRetryTests {
    /// A `postgres` source config.
    static func postgres(_ url: String, query: String, retry: String, breaker: String? = nil) -> String {
        let extra = breaker.map { #", "circuitBreaker": \#($0)"# } ?? ""
        return #"{"type": "postgres", "config": {"url": "\#(url)", "query": "\#(query)", "retry": \#(retry)\#(extra)}}"#
    }

    /// A `mysql` source config.
    static func mysql(_ url: String, query: String, retry: String, breaker: String? = nil) -> String {
        let extra = breaker.map { #", "circuitBreaker": \#($0)"# } ?? ""
        return #"{"type": "mysql", "config": {"url": "\#(url)", "query": "\#(query)", "retry": \#(retry)\#(extra)}}"#
    }

    /// The test PostgreSQL server's URL with another port.
    static func postgresURL(port: Int) throws -> String { try replacingPort(try TestDatabases.postgresURL(), port) }

    /// The test MariaDB server's URL with another port (and a short login timeout).
    static func mariadbURL(port: Int) throws -> String {
        let url = try replacingPort(try TestDatabases.mariadbURL(), port)
        return url.replacingOccurrences(of: "connect_timeout=3600", with: "connect_timeout=60")
    }

    /// A URL as messages show it: without query and password.
    static func location(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.password = nil
        parts.query = nil
        return parts.string ?? url
    }

    private static func replacingPort(_ url: String, _ port: Int) throws -> String {
        guard var parts = URLComponents(string: url) else { throw FlakyTCPProxy.Failure(description: "bad URL \(url)") }
        parts.port = port
        return parts.string ?? url
    }

    /// A loopback port nothing listens on (bound for a moment, then released).
    static func closedPort() throws -> Int {
        let proxy = try FlakyTCPProxy(upstreamPort: nil, failing: .max)
        proxy.stop()
        return proxy.port
    }
}
