import SluiceCore

@testable import SluiceScheduling

/// An executor whose runs succeed, fail or block as a test scripts them, per schedule and
/// in order; a schedule without a script succeeds.
actor ScriptedExecutor: ScheduledJobExecutor {
    enum Behavior: Sendable {
        case succeed
        case fail(String)
        /// Waits until released (then succeeds) or cancelled (then reports the cancellation).
        case block
    }

    private var scripts: [String: [Behavior]]
    private var gates: [String: CheckedContinuation<Bool, Never>] = [:]
    /// Every request, in the order received.
    private(set) var requests: [RunRequest] = []
    /// Run ids whose blocked execution was cancelled.
    private(set) var cancelled: [String] = []

    init(_ scripts: [String: [Behavior]] = [:]) {
        self.scripts = scripts
    }

    func run(_ request: RunRequest) async -> ExecutionOutcome {
        requests.append(request)
        var script = scripts[request.scheduleId, default: []]
        let behavior = script.isEmpty ? .succeed : script.removeFirst()
        scripts[request.scheduleId] = script
        switch behavior {
        case .succeed:
            return .success(jobId: "job-\(request.runId)")
        case .fail(let reason):
            return .failure(reason, jobId: "job-\(request.runId)")
        case .block:
            let released = await block(request.runId)
            if released { return .success(jobId: "job-\(request.runId)") }
            cancelled.append(request.runId)
            return .failure("cancelled; rolled back", jobId: "job-\(request.runId)")
        }
    }

    /// Whether `runId` is blocked now.
    func isBlocked(_ runId: String) -> Bool {
        gates[runId] != nil
    }

    /// Lets the blocked run `runId` finish with success.
    func release(_ runId: String) {
        gates.removeValue(forKey: runId)?.resume(returning: true)
    }

    private func block(_ runId: String) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(returning: false)
                } else {
                    gates[runId] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelGate(runId) }
        }
    }

    private func cancelGate(_ runId: String) {
        gates.removeValue(forKey: runId)?.resume(returning: false)
    }
}
