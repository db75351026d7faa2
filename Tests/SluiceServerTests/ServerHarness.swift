import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SluiceCore
import SluiceEngine
import SluiceServer
import SluiceTestSupport

/// A real Sluice server on a free loopback port, with its own SQLite state file.
final class ServerHarness: Sendable {
    let port: Int
    let service: JobService
    let store: SQLiteStateStore
    let coordinator: ScheduleCoordinator
    private let task: Task<Void, any Error>

    /// Starts a server; `environment` adds to the test defaults (state in `stateDir`, data roots).
    static func start(stateDir: TemporaryDirectory, environment: [String: String] = [:]) async throws -> ServerHarness {
        // `MY_SECRET` is the variable the tests' `${env:…}` references read besides SLUICE_SECRET_*.
        var env = [
            "PORT": "0", "SLUICE_STATE": stateDir.file("state.db"), "LOG_LEVEL": "error", "SLUICE_SECRET_ENV": "SLUICE_SECRET_*,MY_SECRET",
        ]
        env.merge(environment) { _, new in new }
        let settings = try SluiceSettings(environment: env)
        var logger = Logger(label: "sluice-test")
        logger.logLevel = .critical
        let store = try await SQLiteStateStore.open(path: settings.statePath)
        let planner = JobPlanner(registry: .builtIn, dataRoots: settings.dataRoots, batchSize: settings.batchSize, environment: env,
            secretNames: settings.secretNames, scratch: ScratchLedger(directory: settings.scratchDirectory))
        let service = JobService(store: store, planner: planner, runSettings: RunSettings(settings), logger: logger)
        try await service.recoverInterruptedJobs()
        let coordinator = ScheduleCoordinator(service: service, maxConcurrentJobs: settings.maxConcurrentJobs, logger: logger)
        try await coordinator.start()
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = SluiceApplication.make(service: service, coordinator: coordinator, settings: settings, logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await bound in stream { port = bound }
        return ServerHarness(port: port, service: service, store: store, coordinator: coordinator, task: task)
    }

    private init(port: Int, service: JobService, store: SQLiteStateStore, coordinator: ScheduleCoordinator, task: Task<Void, any Error>) {
        self.port = port
        self.service = service
        self.store = store
        self.coordinator = coordinator
        self.task = task
    }

    /// Stops the scheduler (running jobs get 5 s) and the server, waits for background jobs
    /// and closes the state file.
    func stop() async throws {
        await coordinator.shutdown(grace: .seconds(5))
        task.cancel()
        _ = await task.result
        await service.drain()
        try await store.close()
    }

    /// A response: status, parsed JSON body (`.null` when empty) and raw text.
    struct Reply {
        let status: Int
        let json: Value
        let text: String
    }

    /// Sends a request and parses the JSON answer.
    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        try await Self.request(port: port, method, path, body: body, headers: headers)
    }

    /// Sends a request to the server on `port` and parses the JSON answer.
    static func request(
        port: Int, _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        // A hang guard only: under the whole suite on two cores the server may take minutes.
        let response = try await patientClient.execute(request, timeout: .seconds(600))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        let text = String(buffer: buffer)
        let json = text.isEmpty ? Value.null : (try? JSONParser.parse(text)) ?? .string(text)
        return Reply(status: Int(response.status.code), json: json, text: text)
    }
}

/// The client of the server tests' requests. `HTTPClient.shared` gives up when no byte arrives
/// for 90 s, which CPU-bound tests running beside a server test on two cores can exceed; this
/// one waits as long as the request deadline. Never shut down: it lives as long as the process.
let patientClient = HTTPClient(
    eventLoopGroupProvider: .singleton,
    configuration: HTTPClient.Configuration(timeout: HTTPClient.Configuration.Timeout(connect: .seconds(600), read: .seconds(600))))

/// A stand-in for the examples' `api.example.com`: serves `/customers` (bearer token required)
/// and `/sales` on a free loopback port.
final class FakeAPIServer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>

    static func start(customers: Value, sales: Value, token: String) async throws -> FakeAPIServer {
        let router = Router()
        let customersBody = JSONText.bytes(customers)
        let salesBody = JSONText.bytes(sales)
        router.get("/customers") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer \(token)" else {
                return Response(status: .unauthorized)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: customersBody)))
        }
        router.get("/sales") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: salesBody)))
        }
        router.get("/broken") { _, _ -> Response in Response(status: .internalServerError) }
        let (port, task) = await startOnLoopback(router, label: "fake-api")
        return FakeAPIServer(port: port, task: task)
    }

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

extension Value {
    /// `self[key]` for objects, `.null` otherwise (test convenience).
    subscript(_ key: String) -> Value {
        if case .object(let o) = self { return o[key] ?? .null }
        return .null
    }

    /// `self[index]` for arrays, `.null` otherwise (test convenience).
    subscript(_ index: Int) -> Value {
        if case .array(let a) = self, index < a.count { return a[index] }
        return .null
    }
}

/// Runs `router` as a quiet HTTP server on a free loopback port; answers the port and the
/// task to cancel to stop it.
func startOnLoopback(_ router: Router<BasicRequestContext>, label: String) async -> (port: Int, task: Task<Void, any Error>) {
    let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: label)
    logger.logLevel = .critical
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }, logger: logger)
    let task = Task { try await app.runService(gracefulShutdownSignals: []) }
    var port = 0
    for await bound in stream { port = bound }
    return (port, task)
}
