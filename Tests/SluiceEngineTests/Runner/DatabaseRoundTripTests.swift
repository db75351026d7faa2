import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// A table copied PostgreSQL → SQLite → MariaDB → PostgreSQL through three jobs (each target
/// creating its table from the data) arrives row for row as it left: every value compared by
/// PostgreSQL itself, after the round trip through two other databases' type systems.
@Suite struct DatabaseRoundTripTests {
    @Test func postgresToSQLiteToMariaDBToPostgresKeepsEveryRow() async throws {
        let pg = try TestDatabases.postgresURL()
        let maria = try TestDatabases.mariadbURL()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let source = TestDatabases.uniqueName("people")
        let copy = source + "_copy"
        let middle = source + "_m"
        _ = try await CommandLineClient.psql(pg, """
            CREATE TABLE \(source) (id int8 PRIMARY KEY, name text, amount numeric(12,2), score float8, active boolean,
                                   born timestamptz, meta jsonb, note text);
            INSERT INTO \(source)
            SELECT i, 'name ' || i || CASE WHEN i % 7 = 0 THEN ' 🚀 Zürich ☕' ELSE '' END,
                   CASE WHEN i % 11 = 0 THEN NULL ELSE round(i * 1.37, 2) END,
                   CASE WHEN i % 13 = 0 THEN NULL ELSE i / 3.0 END,
                   CASE WHEN i % 17 = 0 THEN NULL ELSE i % 2 = 0 END,
                   timestamptz '2020-02-29 23:59:59.123456+00' + i * interval '1 hour 1.5 second',
                   CASE WHEN i % 5 = 0 THEN NULL ELSE jsonb_build_object('i', i, 'tags', jsonb_build_array('a', i % 3), 'nested', jsonb_build_object('ok', i % 2 = 0)) END,
                   CASE WHEN i = 3 THEN repeat('x', 100000) WHEN i % 4 = 0 THEN NULL ELSE 'line1' || chr(10) || 'tab' || chr(9) || 'quote" back\\ ' || i END
            FROM generate_series(1, 2500) AS i;
            """)
        let harness = try Harness(dir: dir)
        let toSQLite = #"""
            {"name":"pg-to-sqlite","source":{"type":"postgres","config":{"url":"\#(pg)","table":"\#(source)"}},
             "target":{"type":"sqlite","config":{"path":"\#(dir.file("mid.db"))","table":"\#(middle)","keys":["id"]}}}
            """#
        let toMaria = #"""
            {"name":"sqlite-to-mariadb","source":{"type":"sqlite","config":{"path":"\#(dir.file("mid.db"))","table":"\#(middle)"}},
             "target":{"type":"mysql","config":{"url":"\#(maria)","table":"\#(middle)","keys":["id"]}}}
            """#
        let toPostgres = #"""
            {"name":"mariadb-to-pg","source":{"type":"mysql","config":{"url":"\#(maria)","query":"SELECT * FROM \#(middle) ORDER BY id"}},
             "target":{"type":"postgres","config":{"url":"\#(pg)","table":"\#(copy)","keys":["id"]}}}
            """#
        for job in [toSQLite, toMaria, toPostgres] {
            let outcome = try await harness.run(job)
            #expect(outcome.failure == nil, "\(outcome.failure ?? "")")
            #expect(outcome.stats.recordsLoaded == 2500)
            #expect(outcome.stats.recordsErrored == 0)
        }
        // Every value compared by PostgreSQL, normalised to one type per column.
        let normalised = """
            SELECT id, name, amount::float8, score, active::boolean, to_char(born AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
                   meta::jsonb, note
            """
        let original = try await CommandLineClient.psql(pg, "\(normalised) FROM \(source) ORDER BY id")
        let copied = try await CommandLineClient.psql(pg, "\(normalised) FROM \(copy) ORDER BY id")
        #expect(try await CommandLineClient.psql(pg, "SELECT count(*), count(DISTINCT id), sum(id) FROM \(copy)") == "2500|2500|3126250")
        #expect(copied == original)
        let difference = try await CommandLineClient.psql(pg, """
            SELECT count(*) FROM (
              (SELECT id, name, amount::float8, score, active::boolean, born, meta::jsonb, note FROM \(source)
               EXCEPT ALL SELECT id, name, amount::float8, score, active::boolean, born::timestamptz, meta::jsonb, note FROM \(copy))
              UNION ALL
              (SELECT id, name, amount::float8, score, active::boolean, born::timestamptz, meta::jsonb, note FROM \(copy)
               EXCEPT ALL SELECT id, name, amount::float8, score, active::boolean, born, meta::jsonb, note FROM \(source))) d
            """)
        #expect(difference == "0")
        #expect(try await CommandLineClient.mariadb(maria, "SELECT COUNT(*), SUM(id), MAX(LENGTH(note)) FROM \(middle)") == "2500\t3126250\t100000")
        _ = try await CommandLineClient.psql(pg, "DROP TABLE \(source), \(copy)")
        _ = try await CommandLineClient.mariadb(maria, "DROP TABLE \(middle)")
    }

    struct Harness {
        let planner: JobPlanner

        init(dir: TemporaryDirectory) throws {
            planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 300, environment: [:])
        }

        func run(_ json: String) async throws -> JobOutcome {
            let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
            return await JobRunner.run(try planner.plan(spec), logger: Logger(label: "test"))
        }
    }
}
