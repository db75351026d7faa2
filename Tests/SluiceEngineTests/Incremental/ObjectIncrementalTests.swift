import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// Incremental loading of a landing bucket (moto on loopback): the README's object-storage job,
/// run as written (endpoint and bucket names aside), reads only the objects written since its
/// last successful run, and adds each run's large orders to the lake's partitions.
@Suite struct ObjectIncrementalTests {
    /// The README's example job, with the moto endpoint and this test's buckets.
    static func readmeJob(landing: String, lake: String) throws -> String {
        let readme = try RepositoryFiles.text("README.md")
        let marker = try #require(readme.range(of: "<!-- object-storage-example -->\n```json\n"))
        let end = try #require(readme[marker.upperBound...].range(of: "\n```"))
        return String(readme[marker.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "http://127.0.0.1:9000", with: try S3TestServer.endpoint())
            .replacingOccurrences(of: "s3://landing/", with: "s3://\(landing)/")
            .replacingOccurrences(of: "s3://lake/", with: "s3://\(lake)/")
    }

    /// Every record of the lake, as boto3 reads its objects: `region` from the key, and the
    /// lines' `id`s, sorted.
    static func lake(_ bucket: String) async throws -> (keys: Int, ids: [String: [Int]]) {
        let out = try await S3TestServer.boto(
            """
            ids = {}
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
            for key in keys:
                region = key.split("region=")[1].split("/")[0]
                for line in s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode().splitlines():
                    ids.setdefault(region, []).append(json.loads(line)["id"])
            print(json.dumps({"keys": len(keys), "ids": {r: sorted(v) for r, v in ids.items()}}))
            """, bucket: bucket)
        struct Lake: Decodable {
            var keys: Int
            var ids: [String: [Int]]
        }
        let lake = try JSONDecoder().decode(Lake.self, from: Data(out.utf8))
        return (lake.keys, lake.ids)
    }

    @Test func eachRunReadsOnlyTheObjectsWrittenSinceTheLast() async throws {
        let landing = try await S3TestServer.bucket()
        let lake = try await S3TestServer.bucket()
        let dir = try TemporaryDirectory()
        let store = try await SQLiteStateStore.open(path: dir.file("state.db"))
        let planner = JobPlanner(
            registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 100,
            environment: ["SLUICE_SECRET_S3_KEY": "test", "SLUICE_SECRET_S3_SECRET": "s3-secret-value-42"])
        let service = JobService(store: store, planner: planner, logger: Logger(label: "test"))
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(try Self.readmeJob(landing: landing, lake: lake)))
        func run() async throws -> JobRecord {
            let (record, plan) = try await service.submit(spec)
            return try await service.run(record, plan: plan)
        }

        let first = "id,region,amount\n1,eu,150\n2,us,50\n3,us,300\n"
        try await S3TestServer.put(landing, "orders/2024/01/a.csv", Array(first.utf8))
        try await S3TestServer.put(landing, "orders/2024/01/_SUCCESS", [])
        let one = try await run()
        #expect(one.status == .completed, "\(one.error ?? "")")
        #expect(one.stats?.recordsExtracted == 3)
        #expect(one.stats?.recordsLoaded == 2)
        #expect(one.stats?.bytesRead == first.utf8.count)
        var lakeNow = try await Self.lake(lake)
        #expect(lakeNow.keys == 2 && lakeNow.ids == ["eu": [1], "us": [3]])

        // Objects listed by their last-modified second: the next one is written a second later.
        try await Task.sleep(nanoseconds: 1_100_000_000)
        let second = "id,region,amount\n4,eu,101\n5,ap,99.5\n6,ap,1000\n"
        try await S3TestServer.put(landing, "orders/2024/02/b.csv", Array(second.utf8))
        let two = try await run()
        #expect(two.status == .completed, "\(two.error ?? "")")
        // The new object's records only. The first object, written in the watermark's own second,
        // is read again (an object written in that second after the run listed the bucket would
        // otherwise be lost), and its records are dropped by the watermark's keys.
        #expect(two.stats?.recordsExtracted == 3)
        #expect(two.stats?.bytesRead == first.utf8.count + second.utf8.count)
        lakeNow = try await Self.lake(lake)
        #expect(lakeNow.keys == 4 && lakeNow.ids == ["eu": [1, 4], "us": [3], "ap": [6]])

        // Nothing new: nothing read, nothing added.
        let three = try await run()
        #expect(three.status == .completed)
        #expect(three.stats?.recordsExtracted == 0)
        #expect(three.stats?.bytesRead == second.utf8.count)
        #expect(try await Self.lake(lake).keys == 4)

        // The secret never reaches the state database.
        try await store.close()
        for file in ["state.db", "state.db-wal"] where FileManager.default.fileExists(atPath: dir.file(file)) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file(file)))
            #expect(bytes.range(of: Data("s3-secret-value-42".utf8)) == nil, "\(file)")
        }
    }
}
