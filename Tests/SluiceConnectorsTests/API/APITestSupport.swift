import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Synchronization

/// What an API source read: its records (with their positions) and what it refused.
struct APIRead {
    var records: [ValueObject] = []
    var positions: [Int] = []
    var rejected: [Rejection] = []

    /// The `id` of every record, in order.
    var ids: [Int] { records.map { record in if case .int(let id)? = record["id"] { return id } else { return -1 } } }
}

/// Builds components of the HTTP connectors from config values, with a fresh set of shared
/// resources (so breakers and limiters start new) unless given one.
enum APITest {
    static func source(_ config: Value, resources: SharedResources = SharedResources()) throws -> APISource {
        let decoded = try ValueDecoder().decode(APISource.Config.self, from: config)
        return try APISource(config: decoded, context: ComponentContext(dataRoots: DataRoots(["/tmp"]), batchSize: 7, resources: resources))
    }

    static func read(_ config: Value, resources: SharedResources = SharedResources()) async throws -> APIRead {
        try await read(try source(config, resources: resources))
    }

    static func read(_ source: any Source) async throws -> APIRead {
        let reader = try await source.open()
        var read = APIRead()
        while let chunk = try await reader.next() {
            read.records += chunk.batch.records
            read.positions += chunk.batch.positions
            read.rejected += chunk.rejected
        }
        return read
    }

    /// The message of the error `body` throws, or nil when it does not throw.
    static func failure(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Shared resources whose endpoint guards run on `clock`.
    static func resources(clock: ManualClock) throws -> SharedResources {
        let resources = SharedResources()
        _ = try resources.resource(EndpointGuards.resourceKey) { EndpointGuards(clock: clock.endpointClock) }
        return resources
    }
}

/// One request the stand-in API logged.
struct LoggedRequest {
    var method: String
    var path: String
    var query: [String: String]
    var time: Double
    var authorization: String?
    var idempotencyKey: String?
    var contentType: String?
    var body: String?

    /// `page=2&per_page=10`-like text of the query, keys sorted.
    var queryText: String { query.keys.sorted().map { "\($0)=\(query[$0] ?? "")" }.joined(separator: "&") }
}

extension LoopbackServer {
    /// The requests the stand-in API logged, in arrival order, and the bodies its ingest
    /// endpoint accepted.
    func requests() async throws -> (log: [LoggedRequest], received: [Value]) {
        let text = try await Python.run(
            "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())", arguments: ["\(base)/_log"])
        guard case .object(let answer) = try JSONParser.parse(text), case .array(let entries)? = answer["log"],
            case .array(let received)? = answer["received"]
        else { return ([], []) }
        let log = entries.compactMap { entry -> LoggedRequest? in
            guard case .object(let o) = entry, case .string(let method)? = o["method"], case .string(let path)? = o["path"] else { return nil }
            var query: [String: String] = [:]
            if case .object(let q)? = o["query"] { for (key, value) in q.pairs { if case .string(let text) = value { query[key] = text } } }
            func text(_ key: String) -> String? { if case .string(let value)? = o[key] { return value } else { return nil } }
            let time: Double
            switch o["time"] {
            case .double(let seconds)?: time = seconds
            case .int(let seconds)?: time = Double(seconds)
            default: time = 0
            }
            return LoggedRequest(
                method: method, path: path, query: query, time: time, authorization: text("authorization"),
                idempotencyKey: text("idempotencyKey"), contentType: text("contentType"), body: text("body"))
        }
        return (log, received)
    }

    /// Clears the stand-in API's log and counters.
    func reset() async throws {
        _ = try await Python.run(
            "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b'', method='POST')).read()",
            arguments: ["\(base)/_reset"])
    }
}

/// A clock for the endpoint guards that a test moves by hand: a sleep moves it on at once by
/// the time asked and is recorded, so waits are asserted exactly and tests never wait.
final class ManualClock: Sendable {
    private let state: Mutex<(now: Double, sleeps: [Double])>

    init(now: Double = 1_800_000_000) { state = Mutex((now, [])) }

    var now: Double { state.withLock { $0.now } }
    /// The waits asked for, in order (zero waits left out).
    var sleeps: [Double] { state.withLock { $0.sleeps } }

    func advance(_ seconds: Double) { state.withLock { $0.now += seconds } }

    var endpointClock: EndpointClock {
        EndpointClock(
            now: { self.now },
            sleep: { seconds in
                try Task.checkCancellation()
                guard seconds > 0 else { return }
                self.state.withLock { state in
                    state.sleeps.append(seconds)
                    state.now += seconds
                }
            })
    }
}
