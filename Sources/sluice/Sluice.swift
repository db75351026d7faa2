import ArgumentParser

/// The `sluice` command: an ETL pipeline server and runner.
@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Sluice: ETL jobs (source → validation → transforms → target) from JSON specs.",
        subcommands: [Serve.self, Run.self, Validate.self, Docs.self, Schema.self, Components.self],
        defaultSubcommand: Serve.self
    )

    /// Runs the command line. `sluice` and `sluice serve` start the server directly: it takes
    /// no arguments, and the parser's reflection over every command would add milliseconds to
    /// the start. Anything else (options, `--help`, other commands) goes through the parser;
    /// errors are reported the same way on both paths.
    static func main() async {
        MallocArenas.limitToOne()
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.isEmpty || arguments.elementsEqual(["serve"]) else {
            await main(nil)
            return
        }
        do {
            try await Serve().run()
        } catch {
            exit(withError: error)
        }
    }
}
