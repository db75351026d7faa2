import ArgumentParser
import SluiceCore
import SluiceEngine

/// `sluice validate SPEC.json`: checks a job, schedule or pipeline spec and prints every
/// problem with its path.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a job, schedule or pipeline spec file; print every error with its path.",
        discussion: "A document with `cron` or `interval` is read as a schedule, one with `job` and no `source` as a pipeline, anything else as a job.")

    @Argument(help: "Path of the spec (JSON).")
    var job: String

    func run() async throws {
        let env = try CommandEnvironment()
        let document = try env.loadDocument(path: job)
        let reader = SpecReader(registry: env.planner.registry)
        var problems: [SpecError] = []
        var summary = ""
        do {
            if case .object(let object) = document, object["cron"] != nil || object["interval"] != nil {
                let schedule = try reader.schedule(document)
                summary = "valid schedule (\(schedule.cron ?? schedule.interval ?? ""))"
                if let spec = schedule.job { problems += Self.plan(spec, env: env, under: "job") }
            } else if case .object(let object) = document, object["job"] != nil, object["source"] == nil {
                let pipeline = try reader.pipeline(document)
                summary = "valid pipeline"
                problems += Self.plan(pipeline.job, env: env, under: "job")
            } else {
                let spec = try reader.job(document)
                summary = "valid (\(spec.transforms.count) transforms, source \(spec.source.type), target \(spec.target.type))"
                problems += Self.plan(spec, env: env, under: "")
            }
        } catch {
            problems = error.errors
        }
        guard problems.isEmpty else {
            for problem in problems { print(problem.message) }
            throw ExitCode(1)
        }
        print("\(job): \(summary)")
    }

    /// The planner's problems with `spec`, their paths under `prefix`.
    static func plan(_ spec: JobSpec, env: CommandEnvironment, under prefix: String) -> [SpecError] {
        do {
            _ = try env.planner.plan(spec)
            return []
        } catch {
            return error.errors.map { $0.prefixed(prefix) }
        }
    }
}
