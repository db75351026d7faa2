import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// The server's own files are refused whatever the roots say, and a target path is resolved
/// to its last component.
@Suite struct DataRootsSandboxTests {
    @Test func theServersOwnFilesAreRefusedInsideARoot() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let roots = DataRoots(
            [dir.path],
            reserved: [ReservedPath(dir.file(".sluice"), what: "the server's state directory")])
        #expect(try roots.authorize(dir.file("data.csv")) == dir.file("data.csv"))
        for path in [dir.file(".sluice"), dir.file(".sluice/state.db"), dir.file("x/../.sluice/state.db-wal")] {
            #expect(throws: AccessDenied.self) { try roots.authorize(path) }
        }
        do {
            _ = try roots.authorize(dir.file(".sluice/state.db"))
        } catch {
            #expect(error.description == "path '\(dir.file(".sluice/state.db"))' is the server's state directory, which jobs may neither read nor write")
        }
        // Through a symlink that leads into it, too.
        try FileManager.default.createDirectory(atPath: dir.file(".sluice"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.file("innocent"), withDestinationPath: dir.file(".sluice"))
        #expect(throws: AccessDenied.self) { try roots.authorize(dir.file("innocent/state.db")) }
    }

    @Test func aDanglingSymlinkTargetAndARootItselfAreRefusedAsTargets() throws {
        let dir = try TemporaryDirectory()
        let outside = try TemporaryDirectory()
        defer { dir.remove(); outside.remove() }
        let roots = DataRoots([dir.path])
        try FileManager.default.createSymbolicLink(atPath: dir.file("db.sqlite"), withDestinationPath: outside.file("created-outside.db"))
        #expect(throws: AccessDenied.self) { try roots.authorizeTarget(dir.file("db.sqlite")) }
        do {
            _ = try roots.authorizeTarget(dir.file("db.sqlite"))
        } catch {
            #expect(error.description.hasSuffix("is a symbolic link to a file that does not exist; refusing to create what it points to"))
        }
        // A link to an existing file inside the root is followed.
        try dir.write("real.json", "[]")
        try FileManager.default.createSymbolicLink(atPath: dir.file("alias.json"), withDestinationPath: dir.file("real.json"))
        #expect(try roots.authorizeTarget(dir.file("alias.json")) == dir.file("real.json"))
        // The root itself is no file to write: its temporary file would go in the parent.
        do {
            _ = try roots.authorizeTarget(dir.path)
            Issue.record("the root was accepted as a target")
        } catch {
            #expect(error.description == "path '\(dir.path)' is a data directory itself; name a file inside it")
        }
        #expect(!FileManager.default.fileExists(atPath: outside.file("created-outside.db")))
    }
}
