import SluiceConnectors
import SluiceCore
import SluiceTestSupport

/// Builds `mysql` sources and targets from config values, and reads and writes through them.
enum MySQLFixture {
    /// `config` plus the test server's `url`.
    static func withURL(_ config: Value) throws -> Value {
        guard case .object(var object) = config else { return config }
        if object["url"] == nil, object["host"] == nil { object.appendUnchecked(key: "url", value: .string(try MySQLTestServer.url())) }
        return .object(object)
    }

    static func source(_ config: Value, batchSize: Int = 4096, resources: SharedResources = SharedResources()) throws -> MySQLSource {
        let decoded = try ValueDecoder().decode(MySQLSource.Config.self, from: try withURL(config))
        return try MySQLSource(
            config: decoded, context: ComponentContext(dataRoots: DataRoots([]), batchSize: batchSize, resources: resources))
    }

    static func target(
        _ config: Value, schema: SchemaSpec? = nil, atomicWrites: Bool = false, resources: SharedResources = SharedResources()
    ) throws -> MySQLTarget {
        let decoded = try ValueDecoder().decode(MySQLTarget.Config.self, from: try withURL(config))
        return try MySQLTarget(
            config: decoded,
            context: ComponentContext(dataRoots: DataRoots([]), schema: schema, resources: resources, atomicWrites: atomicWrites))
    }

    /// Every record the source reads, and the size of each chunk.
    static func read(_ source: MySQLSource) async throws -> (records: [Value], chunkSizes: [Int], positions: [Int]) {
        let reader = try await source.open()
        var records: [Value] = []
        var sizes: [Int] = []
        var positions: [Int] = []
        while let chunk = try await reader.next() {
            sizes.append(chunk.batch.count)
            positions += chunk.batch.positions
            records += chunk.batch.records.map(Value.object)
        }
        return (records, sizes, positions)
    }

    static func records(_ source: MySQLSource) async throws -> [Value] { try await read(source).records }

    /// A batch of records (objects), with positions 1… unless given.
    static func batch(_ records: [Value], positions: [Int]? = nil) -> RecordBatch {
        RecordBatch(records: records.compactMap(\.objectValue), positions: positions)
    }

    /// Writes `batches` and commits; returns every rejection.
    static func write(_ target: MySQLTarget, _ batches: [RecordBatch]) async throws -> [Rejection] {
        let writer = try await target.open(batchSize: nil)
        guard let rejecting = writer as? any RejectingTargetWriter else { throw ConnectorError.io("not a rejecting writer") }
        var rejected: [Rejection] = []
        do {
            for batch in batches { rejected += try await rejecting.writeReportingRejections(batch).rejected }
            try await writer.commit()
        } catch {
            await writer.abort()
            throw error
        }
        return rejected
    }
}
