import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport

/// The real PostgreSQL 15 server of the tests, with `psql` as an independent oracle.
enum PostgresFixture {
    /// The server's URL (fails when the test database is not running).
    static func url() throws -> String { try TestDatabases.postgresURL() }

    /// A table name no other test uses.
    static func uniqueTable(_ prefix: String = "t") -> String { TestDatabases.uniqueName(prefix) }

    /// Runs `sql` with psql and returns its unaligned output (`|` between columns, one row a line).
    /// psql runs and is waited for outside the cooperative pool (see ``offThePool(_:)``).
    @discardableResult
    static func psql(_ sql: String) async throws -> String {
        let url = try url()
        return try await offThePool { try psqlBlocking(sql, url: url) }
    }

    /// ``psql(_:)`` on the calling thread, which it blocks until psql ends. Only for code that
    /// must block the thread it runs on (``PostgresLoginTests`` holds a serial executor's queue
    /// on purpose); tests await ``psql(_:)``.
    static func psqlBlocking(_ sql: String) throws -> String {
        try psqlBlocking(sql, url: try url())
    }

    private static func psqlBlocking(_ sql: String, url: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PsqlFailed(message: String(decoding: errorData, as: UTF8.self))
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The rows psql prints for `sql`, each split at `|`.
    static func rows(_ sql: String) async throws -> [[String]] {
        let text = try await psql(sql)
        if text.isEmpty { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    struct PsqlFailed: Error, CustomStringConvertible {
        let message: String
        var description: String { "psql failed: \(message)" }
    }

    /// `config` with the server's `url` added.
    static func withURL(_ config: Value) throws -> Value {
        guard case .object(var object) = config else { return config }
        object.appendUnchecked(key: "url", value: .string(try url()))
        return .object(object)
    }

    static func source(
        _ config: Value, batchSize: Int = 4096, resources: SharedResources = SharedResources()
    ) throws -> PostgresSource {
        let decoded = try ValueDecoder().decode(PostgresSource.Config.self, from: try withURL(config))
        return try PostgresSource(config: decoded, context: ComponentContext(dataRoots: DataRoots([]), batchSize: batchSize, resources: resources))
    }

    static func target(
        _ config: Value, schema: SchemaSpec? = nil, atomicWrites: Bool = false, resources: SharedResources = SharedResources()
    ) throws -> PostgresTarget {
        let decoded = try ValueDecoder().decode(PostgresTarget.Config.self, from: try withURL(config))
        return try PostgresTarget(
            config: decoded, context: ComponentContext(dataRoots: DataRoots([]), schema: schema, resources: resources, atomicWrites: atomicWrites))
    }

    /// Every batch a read yields.
    static func read(_ source: PostgresSource) async throws -> [RecordBatch] {
        let reader = try await source.open()
        var batches: [RecordBatch] = []
        while let chunk = try await reader.next() { batches.append(chunk.batch) }
        return batches
    }

    /// Every record a read yields.
    static func records(_ source: PostgresSource) async throws -> [Value] {
        try await read(source).flatMap { $0.records.map(Value.object) }
    }

    /// A batch of `records` (objects).
    static func batch(_ records: [Value], positions: [Int]? = nil) -> RecordBatch {
        RecordBatch(records: records.compactMap(\.objectValue), positions: positions)
    }

    /// Writes `batches` and commits; returns the rejections.
    static func write(_ target: PostgresTarget, _ batches: [RecordBatch]) async throws -> [Rejection] {
        let writer = try await target.open(batchSize: nil)
        var rejected: [Rejection] = []
        do {
            for batch in batches {
                if let rejecting = writer as? any RejectingTargetWriter {
                    rejected += try await rejecting.writeReportingRejections(batch).rejected
                } else {
                    try await writer.write(batch)
                }
            }
            try await writer.commit()
        } catch {
            await writer.abort()
            throw error
        }
        return rejected
    }
}
