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
        let secrets = settings.secretValues
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level, secrets: secrets) }
        var logger = Logger(label: "sluice")
        logger.logLevel = level
        self.logger = logger
        planner = JobPlanner(
            registry: .builtIn, dataRoots: settings.dataRoots, batchSize: settings.batchSize, environment: environment,
            secretNames: settings.secretNames,
            scratch: ScratchLedger(directory: settings.scratchDirectory))
    }

    /// Reads and parses a spec file.
    func loadDocument(path: String) throws -> Value {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("cannot read '\(path)'")
        }
        do {
            return try JSONParser.parse([UInt8](data), outOfRangeNumbers: .error)
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }

    /// Reads and decodes a job spec file, or throws every error with its path.
    func loadSpec(path: String) throws -> JobSpec {
        let value = try loadDocument(path: path)
        do {
            return try SpecReader(registry: planner.registry).job(value)
        } catch {
            throw CommandFailure(error.errors.map { "\(path): \($0.message)" }.joined(separator: "\n"))
        }
    }
}

/// A failure reported to the user as one message and exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
