import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct DataRootsTests {
    @Test func pathsEscapingThroughDotDotOrSymlinksAreDenied() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("data"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.file("data/out"), withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(atPath: dir.file("data/in"), withDestinationPath: dir.file("data"))
        let roots = DataRoots([dir.file("data")])
        #expect(try roots.authorize(dir.file("data/x.csv")) == dir.file("data/x.csv"))
        #expect(try roots.authorize(dir.file("data/in/new/y.csv")) == dir.file("data/new/y.csv"))
        for bad in [dir.file("data/../secret"), dir.file("data/out/passwd"), "/etc/passwd", dir.file("datax/a"), dir.path] {
            #expect(throws: AccessDenied.self, "\(bad)") { try roots.authorize(bad) }
        }
    }

    @Test func secretsAreRedactedAndResolved() throws {
        let config: Value = ["url": "http://x", "headers": ["Authorization": "Bearer t", "X-Api-Key": "k", "Accept": "a"], "password": "${env:PW}"]
        #expect(Secrets.redact(config) == ["url": "http://x", "headers": ["Authorization": "***", "X-Api-Key": "***", "Accept": "a"], "password": "${env:PW}"])
        #expect(try Secrets.resolve(config, environment: ["PW": "pw"])["password"] == "pw")
        #expect(throws: SpecError(path: "password", "environment variable 'PW' referenced by ${env:PW} is not set")) {
            try Secrets.resolve(config, environment: [:])
        }
    }
}

extension Value {
    subscript(_ key: String) -> Value? { objectValue?[key] }
}
