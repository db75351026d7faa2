import Foundation
import Hummingbird

/// An HTTP server on a free loopback port whose `/stall` never answers: a source reading it
/// waits until its job is stopped, which makes cancellation and timeouts testable without
/// racing a job to its end.
final class StallingServer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>

    static func start() async throws -> StallingServer {
        let router = Router()
        router.get("/stall") { _, _ -> Response in
            try await Task.sleep(for: .seconds(3600))
            return Response(status: .ok)
        }
        let (port, task) = await startOnLoopback(router, label: "stalling-api")
        return StallingServer(port: port, task: task)
    }

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// The URL that never answers.
    var stallURL: String { "http://127.0.0.1:\(port)/stall" }

    /// A job reading the stalling URL into `target` (a file path), with optional extra job keys.
    func job(id: String, target: String, extra: String = "") -> String {
        #"{"id": "\#(id)", "name": "stalled", "source": {"type": "api", "config": {"url": "\#(stallURL)"}}, "#
            + #""target": {"type": "file", "config": {"path": "\#(target)"}}\#(extra)}"#
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}
