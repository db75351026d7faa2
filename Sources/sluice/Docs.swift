import ArgumentParser
import SluiceEngine

/// `sluice docs`: prints the operations reference (`docs/reference.md`).
struct Docs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the operations reference (Markdown) generated from the components.")

    func run() async throws {
        print(ReferencePage.markdown(), terminator: "")
    }
}
