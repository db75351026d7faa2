import ArgumentParser
import SluiceEngine

/// `sluice docs`: prints the reference (`docs/reference.md`).
struct Docs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the reference (Markdown) generated from the components' declarations.")

    func run() async throws {
        print(ReferencePage.markdown(), terminator: "")
    }
}
