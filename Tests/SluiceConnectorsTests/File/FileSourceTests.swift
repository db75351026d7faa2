import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct FileSourceTests {
    @Test func readsInChunksAndTypesCSVCellsByTheSchema() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var csv = "zip;amount\n"
        for i in 0..<3000 { csv += "00\(i % 10);\(i).5\n" }
        try dir.write("in.csv", csv)
        let schema = SchemaSpec(fields: [FieldSpec(name: "zip", type: .string), FieldSpec(name: "amount", type: .number)])
        let config = try ValueDecoder().decode(FileSource.Config.self, from: ["path": .string(dir.file("in.csv")), "delimiter": ";"])
        let source = try FileSource(config: config, context: ComponentContext(dataRoots: DataRoots([dir.path]), batchSize: 1000, schema: schema))
        let reader = try await source.open()
        #expect(reader.expectedBytes == csv.utf8.count)
        var rows = 0
        var bytes = 0
        var sum = 0.0
        while let chunk = try await reader.next() {
            bytes += chunk.bytes
            #expect(chunk.batch.count <= 1000)
            for row in 0..<chunk.batch.count {
                #expect(chunk.batch.value(row: row, column: 0) == .string("00\((rows + row) % 10)"))
                sum += chunk.batch.columns[1].number(at: row) ?? .nan
            }
            rows += chunk.batch.count
        }
        #expect(rows == 3000)
        #expect(bytes == csv.utf8.count)
        #expect(sum == (0..<3000).reduce(0.0) { $0 + Double($1) + 0.5 })
    }

    @Test func aMissingFileOrADirectoryFailsWithTheResolvedPath() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        func source(_ path: String, roots: [String]) throws -> FileSource {
            let config = try ValueDecoder().decode(FileSource.Config.self, from: ["path": .string(path), "format": "json"])
            return try FileSource(config: config, context: ComponentContext(dataRoots: DataRoots(roots)))
        }
        await #expect(throws: ConnectorError.io("cannot open '\(dir.file("none.json"))': No such file or directory")) {
            try await source(dir.file("none.json"), roots: [dir.path]).open()
        }
        // A directory is read as a set of files: this one holds none of the format.
        #expect(try await source(dir.path + "/.", roots: [dir.path]).open().next() == nil)
        // A relative path is read against the working directory, and messages show where that led.
        let cwd = DataRoots.resolved(".")
        let name = "sluice-missing-\(UInt32.random(in: 0...UInt32.max)).json"
        await #expect(throws: ConnectorError.io("cannot open '\(cwd)/\(name)' (from '\(name)'): No such file or directory")) {
            try await source(name, roots: [cwd]).open()
        }
        #expect(throws: AccessDenied(path: name, resolved: "\(cwd)/\(name)", roots: [dir.path])) {
            try source(name, roots: [dir.path])
        }
        let denied = AccessDenied(path: name, roots: [dir.path])
        #expect(denied.description == "path '\(cwd)/\(name)' (from '\(name)') is outside the allowed data directories (\(dir.path)); set SLUICE_DATA_DIRS to allow it")
    }
}
