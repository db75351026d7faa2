import Foundation

/// Runs python3 oracles (DuckDB, croniter, the csv module) from tests.
public enum Python {
    /// The failure of a python run, with its standard error.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `python3 -c script args…` and returns its standard output; throws with stderr on failure.
    public static func run(_ script: String, arguments: [String] = [], input: String? = nil) throws -> String {
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
