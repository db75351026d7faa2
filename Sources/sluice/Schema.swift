import ArgumentParser
import SluiceCore
import SluiceEngine

/// `sluice schema`: prints the JSON Schema of a job spec (or a schedule or pipeline).
struct Schema: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema (draft 2020-12) of a job spec, for editors and CI checks.")

    @Option(help: "Which spec: job, schedule or pipeline.")
    var of: String = "job"

    func run() async throws {
        guard ["job", "schedule", "pipeline"].contains(of) else {
            throw ValidationError("--of takes job, schedule or pipeline, not '\(of)'")
        }
        print(JSONText.string(ComponentCatalog.schema(of: of), pretty: true))
    }
}
