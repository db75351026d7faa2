import Foundation

/// Runs python3 oracles (DuckDB, croniter, the csv module) from tests.
public enum Python {
    /// The failure of a python run, with its standard error.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// How many python processes ``run(_:arguments:input:)`` runs at once: the suite runs
    /// its tests in parallel, and forty DuckDB or pyarrow processes starting together on a
    /// small machine only slow each other down. Waiting for a slot suspends the task.
    static let slots = AsyncSemaphore(permits: 4)

    /// Runs `python3 -c script args…` and returns its standard output; throws with stderr on
    /// failure.
    ///
    /// The process is started, fed and waited for on a thread outside the cooperative pool
    /// (see ``offThePool(_:)``), so a long oracle holds none of the threads other tests run on;
    /// at most four run at once (see ``slots``).
    public static func run(_ script: String, arguments: [String] = [], input: String? = nil) async throws -> String {
        try await slots.withPermit {
            try await offThePool { try runBlocking(script, arguments: arguments, input: input) }
        }
    }

    /// ``run(_:arguments:input:)`` on the calling thread, which it blocks until python ends.
    private static func runBlocking(_ script: String, arguments: [String], input: String?) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        // The throwing write: python exiting early (a missing module, say) is reported as
        // its own failure below instead of killing the test process with a broken pipe.
        if let input { try? inPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3 failed (\(process.terminationStatus)): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
