import Foundation
import SluiceTestSupport
import Testing

/// `sluice` and `sluice serve` start the server without the argument parser; whatever goes
/// wrong is reported exactly as through the parser (`sluice serve --` takes that path).
@Suite struct ServeCommandTests {
    @Test(arguments: [
        (["PORT": "70000"], "Error: PORT: expected a whole number in 0...65535, got '70000'\n"),
        (
            ["HOST": "0.0.0.0", "SLUICE_API_TOKEN": "", "SLUICE_ALLOW_OPEN": ""],
            "Error: refusing to listen on 0.0.0.0 without SLUICE_API_TOKEN: other machines could run jobs here. "
                + "Set SLUICE_API_TOKEN, listen on 127.0.0.1, or set SLUICE_ALLOW_OPEN=1 to accept that risk\n"
        ),
        (
            ["LOG_LEVEL": "loud"],
            "Error: LOG_LEVEL: expected one of trace, debug, info, notice, warning, error, critical, got 'loud'\n"
        ),
    ])
    func startErrorsMatchTheParsedCommand(environment: [String: String], message: String) async throws {
        let parsed = try await CommandLineTests.sluice(["serve", "--"], environment: environment)
        #expect(parsed.status == 1)
        #expect(parsed.stderr == message)
        #expect(parsed.stdout == "")
        for arguments in [["serve"], []] {
            let direct = try await CommandLineTests.sluice(arguments, environment: environment)
            #expect(direct.status == 1, "sluice \(arguments)")
            #expect(direct.stderr == message, "sluice \(arguments)")
            #expect(direct.stdout == "", "sluice \(arguments)")
        }
    }

    @Test func optionsStillGoThroughTheParser() async throws {
        let help = try await CommandLineTests.sluice(["serve", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: sluice serve"))
        let unknown = try await CommandLineTests.sluice(["serve", "--port", "1"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr == "Error: Unknown option '--port'\nUsage: sluice serve\n  See 'sluice serve --help' for more information.\n")
    }
}
