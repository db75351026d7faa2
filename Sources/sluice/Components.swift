import ArgumentParser
import SluiceCore
import SluiceEngine

/// `sluice components [--json]`: lists every source, transform and target with its config keys.
struct Components: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every source, transform and target with its config keys.")

    @Flag(help: "Print JSON (the same document as GET /components).")
    var json = false

    func run() async throws {
        if json {
            print(JSONText.string(ComponentCatalog.listing(), pretty: true))
        } else {
            print(ComponentCatalog.text(), terminator: "")
        }
    }
}
