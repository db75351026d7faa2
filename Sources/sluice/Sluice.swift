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
}
