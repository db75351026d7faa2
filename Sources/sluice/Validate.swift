import ArgumentParser
import SluiceEngine

/// `sluice validate JOB.json`: checks a spec and prints every problem with its path.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a job spec file; print every error with its path.")

    @Argument(help: "Path of the job spec (JSON).")
    var job: String

    func run() async throws {
        let env = try CommandEnvironment()
        let spec = try env.loadSpec(path: job)
        do {
            _ = try env.planner.plan(spec)
            print("\(job): valid (\(spec.transforms.count) transforms, source \(spec.source.type), target \(spec.target.type))")
        } catch {
            for problem in error.errors { print(problem.message) }
            throw ExitCode(1)
        }
    }
}
