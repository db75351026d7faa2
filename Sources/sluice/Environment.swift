import Foundation
import Logging
import SluiceCore
import SluiceEngine

/// What every subcommand needs: settings from the environment, a JSON logger, a planner.
struct CommandEnvironment {
    let settings: SluiceSettings
    let logger: Logger
    let planner: JobPlanner

    init() throws {
        let environment = ProcessInfo.processInfo.environment
        settings = try SluiceSettings(environment: environment)
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        var logger = Logger(label: "sluice")
        logger.logLevel = level
        self.logger = logger
        planner = JobPlanner(
            registry: .builtIn, dataRoots: settings.dataRoots, batchSize: settings.batchSize, environment: environment)
    }

    /// Reads and decodes a job spec file, or throws every error with its path.
    func loadSpec(path: String) throws -> JobSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("cannot read '\(path)'")
        }
        let value: Value
        do {
            value = try JSONParser.parse([UInt8](data))
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
        do {
            return try ValueDecoder().decode(JobSpec.self, from: value)
        } catch {
            throw CommandFailure("\(path): \(error.message)")
        }
    }
}

/// A failure reported to the user as one message and exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
