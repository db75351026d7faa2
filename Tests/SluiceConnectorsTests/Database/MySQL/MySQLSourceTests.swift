import Foundation
import SluiceConnectors
import SluiceCore
import SluiceMySQLWire
import SluiceTestSupport
import Testing

@Suite struct MySQLSourceTests {
    /// Hex of the bytes 0…255, for UNHEX.
    static let allBytesHex = (0...255).map { String(format: "%02X", $0) }.joined()

    @Test func everyColumnTypeMapsToItsValue() async throws {
        let table = TestDatabases.uniqueName("types")
        try await MySQLTestServer.execute([
            """
            CREATE TABLE `\(table)` (id INT PRIMARY KEY, b TINYINT(1), ti TINYINT, si SMALLINT, mi MEDIUMINT, i INT, bi BIGINT,
              ubi BIGINT UNSIGNED, d1 DECIMAL(38,10), d0 DECIMAL(20,0), f FLOAT, dbl DOUBLE, dt DATE, dtm DATETIME(6),
              ts TIMESTAMP(6) NULL, tm TIME(3), yr YEAR, c CHAR(3), vc VARCHAR(20), tx TEXT, e ENUM('a','b'), st SET('x','y'),
              j JSON, bl BLOB, vb VARBINARY(10), bt BIT(10))
            """,
            """
            INSERT INTO `\(table)` VALUES
            (1, 1, -128, -32768, -8388608, -2147483648, -9223372036854775808, 18446744073709551615,
             '12345678901234567890.0123456789', '99999999999999999999', 1.5, -2.25e-300, '2024-02-29', '2024-01-02 03:04:05.123456',
             '1970-01-01 00:00:01.000001', '-838:59:59.000', 2155, 'abc', 'héllo 🌍', 'tab\\there', 'b', 'x,y',
             '{"a": [1, 2.5, null, true], "b": "x"}', UNHEX('\(Self.allBytesHex)'), 0x00FF, b'1111111111'),
            (2, 0, 127, 32767, 8388607, 2147483647, 9223372036854775807, 9223372036854775808,
             '1.5000000000', '-12345', -0.25, 1e300, '1000-01-01', '9999-12-31 23:59:59.999999',
             '2038-01-19 03:14:07.999999', '12:30:00.500', 1901, '', '', '', 'a', '', '[]', '', '', b'0'),
            (3, 2, 0, 0, 0, 0, 0, 9223372036854775807, '0.1000000000', '0', 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, '"text"', NULL, NULL, NULL),
            (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-0.0000000001', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
            """,
        ])
        let source = try MySQLFixture.source(["table": .string(table)], batchSize: 3)
        let (records, sizes, positions) = try await MySQLFixture.read(source)
        await MySQLTestServer.drop(table)
        #expect(sizes == [3, 1])
        #expect(positions == [1, 2, 3, 4])
        let allBytes = Data((0...255).map { UInt8($0) }).base64EncodedString()
        let expected: [Value] = [
            ["id": 1, "b": true, "ti": -128, "si": -32768, "mi": -8_388_608, "i": -2_147_483_648, "bi": .int(Int.min),
             "ubi": "18446744073709551615", "d1": "12345678901234567890.0123456789", "d0": "99999999999999999999",
             "f": 1.5, "dbl": -2.25e-300, "dt": .timestamp(Timestamp(iso8601: "2024-02-29T00:00:00Z")!),
             "dtm": .timestamp(Timestamp(microseconds: 1_704_164_645_123_456)), "ts": .timestamp(Timestamp(microseconds: 1_000_001)),
             "tm": "-838:59:59.000", "yr": 2155, "c": "abc", "vc": "héllo 🌍", "tx": "tab\there", "e": "b", "st": "x,y",
             "j": ["a": [1, 2.5, nil, true], "b": "x"], "bl": .string(allBytes), "vb": "AP8=", "bt": 1023],
            ["id": 2, "b": false, "ti": 127, "si": 32767, "mi": 8_388_607, "i": 2_147_483_647, "bi": .int(Int.max),
             "ubi": "9223372036854775808", "d1": 1.5, "d0": -12345, "f": -0.25, "dbl": 1e300,
             "dt": .timestamp(Timestamp(iso8601: "1000-01-01T00:00:00Z")!),
             "dtm": .timestamp(Timestamp(iso8601: "9999-12-31T23:59:59.999999Z")!),
             "ts": .timestamp(Timestamp(iso8601: "2038-01-19T03:14:07.999999Z")!), "tm": "12:30:00.500", "yr": 1901, "c": "",
             "vc": "", "tx": "", "e": "a", "st": "", "j": [], "bl": "", "vb": "", "bt": 0],
            ["id": 3, "b": 2, "ti": 0, "si": 0, "mi": 0, "i": 0, "bi": 0, "ubi": .int(Int.max), "d1": 0.1, "d0": 0, "f": 0.0,
             "dbl": 0.0, "dt": nil, "dtm": nil, "ts": nil, "tm": nil, "yr": nil, "c": nil, "vc": nil, "tx": nil, "e": nil, "st": nil,
             "j": "text", "bl": nil, "vb": nil, "bt": nil],
            ["id": 4, "b": nil, "ti": nil, "si": nil, "mi": nil, "i": nil, "bi": nil, "ubi": nil, "d1": -1e-10, "d0": nil, "f": nil,
             "dbl": nil, "dt": nil, "dtm": nil, "ts": nil, "tm": nil, "yr": nil, "c": nil, "vc": nil, "tx": nil, "e": nil, "st": nil,
             "j": nil, "bl": nil, "vb": nil, "bt": nil],
        ]
        #expect(records.count == expected.count)
        for (got, want) in zip(records, expected) {
            #expect(got == want)
        }
        // Exactness, beyond Value's cross-type number equality: which case each value is.
        let first = try #require(records.first?.objectValue)
        if case .string = first["ubi"] {} else { Issue.record("BIGINT UNSIGNED max must be a string, got \(String(describing: first["ubi"]))") }
        let third = try #require(records.dropFirst(2).first?.objectValue)
        if case .double(let d) = third["d1"] { #expect(d == 0.1) } else { Issue.record("DECIMAL 0.1 must be a double") }
        if case .int = third["d0"] {} else { Issue.record("DECIMAL(20,0) 0 must be an int") }
    }

    @Test func readsSomeColumnsOfATableWithAWhereCondition() async throws {
        let table = TestDatabases.uniqueName("cols")
        try await MySQLTestServer.execute([
            "CREATE TABLE `\(table)` (id INT PRIMARY KEY, `na``me` VARCHAR(20), qty INT, secret TEXT)",
            "INSERT INTO `\(table)` VALUES (1, 'a', 5, 's1'), (2, 'b', 15, 's2'), (3, 'it''s', 25, 's3'), (4, 'd', 35, 's4')",
        ])
        let source = try MySQLFixture.source(
            ["table": .string(table), "columns": ["id", "na`me"], "where": "qty > ? AND `na``me` <> ?", "parameters": [10, "d"],
             "batchSize": 1], batchSize: 500)
        #expect(source.location == "\(try MySQLTestServer.endpoint().location)#\(table)")
        let (records, sizes, positions) = try await MySQLFixture.read(source)
        await MySQLTestServer.drop(table)
        #expect(records == [["id": 2, "na`me": "b"], ["id": 3, "na`me": "it's"]])
        #expect(sizes == [1, 1])
        #expect(positions == [1, 2])
    }

    @Test func runsAQueryWithParametersThatCannotInjectSQL() async throws {
        let table = TestDatabases.uniqueName("params")
        try await MySQLTestServer.execute([
            "CREATE TABLE `\(table)` (id INT, name VARCHAR(40))",
            "INSERT INTO `\(table)` VALUES (1, 'plain'), (2, 'x'' OR ''1''=''1'), (3, 'back\\\\slash ?')",
        ])
        func names(_ parameters: [Value]) async throws -> [Value] {
            try await MySQLFixture.records(try MySQLFixture.source([
                "query": .string("SELECT id, name, '?' AS q FROM `\(table)` WHERE name = ? OR id = ? ORDER BY id"), "parameters": .array(parameters),
            ]))
        }
        #expect(try await names(["x' OR '1'='1", nil]) == [["id": 2, "name": "x' OR '1'='1", "q": "?"]])
        #expect(try await names(["back\\slash ?", 1]) == [["id": 1, "name": "plain", "q": "?"], ["id": 3, "name": "back\\slash ?", "q": "?"]])
        #expect(try await names(["nothing", 2.0]) == [["id": 2, "name": "x' OR '1'='1", "q": "?"]])
        await MySQLTestServer.drop(table)
        let location = try MySQLFixture.source(["query": "SELECT 1"]).location
        #expect(location == (try MySQLTestServer.endpoint().location))
        #expect(!location.contains("sluice-pw"))
    }

    @Test func sourceConfigErrorsNameTheirPath() throws {
        #expect(throws: SpecError(path: "query", "give either table or query, not both")) {
            _ = try MySQLFixture.source(["table": "t", "query": "SELECT 1"])
        }
        #expect(throws: SpecError(path: "table", "required: give the table to read, or a query")) {
            _ = try MySQLFixture.source([:])
        }
        #expect(throws: SpecError(path: "columns", "only applies to table; select the columns in the query")) {
            _ = try MySQLFixture.source(["query": "SELECT 1", "columns": ["a"]])
        }
        #expect(throws: SpecError(path: "columns[1]", "'a' is listed twice")) {
            _ = try MySQLFixture.source(["table": "t", "columns": ["a", "a"]])
        }
        #expect(throws: SpecError(path: "user", "required: the user to log in as (in the url or as user)")) {
            _ = try MySQLFixture.source(["host": "db", "table": "t"])
        }
        #expect(throws: SpecError(path: "database", "required with table: the database the table is in (in the url or as database)")) {
            _ = try MySQLFixture.source(["host": "db", "user": "u", "table": "t"])
        }
        #expect(throws: SpecError(path: "tls.caFile", "only applies to tls.mode verify-full")) {
            _ = try MySQLFixture.source(["host": "db", "user": "u", "query": "SELECT 1", "tls": ["mode": "require", "caFile": "/ca.pem"]])
        }
        #expect(throws: SpecError(path: "pool.maxConnections", "must be at least 1")) {
            _ = try MySQLFixture.source(["host": "db", "user": "u", "query": "SELECT 1", "pool": ["maxConnections": 0]])
        }
        #expect(throws: SpecError(path: "url", "unknown tls mode 'sometimes'; expected disable, prefer, require or verify-full")) {
            _ = try MySQLFixture.source(["url": "mysql://u@h/db?tls=sometimes", "query": "SELECT 1"])
        }
        // Fields beside a url override its parts; a percent-encoded password is decoded.
        let endpoint = try MySQLConnectionOptions(url: "mariadb://app:p%40ss%3Aw@db.local:3307/sales?tls=verify-full&caFile=/ca.pem", port: 3308).resolve()
        #expect(endpoint.configuration == MySQLConnectionConfiguration(
            host: "db.local", port: 3308, user: "app", password: "p@ss:w", database: "sales",
            tls: MySQLTLSConfiguration(mode: .verifyFull, caFile: "/ca.pem")))
        #expect(endpoint.location == "mysql://app@db.local:3308/sales")
        #expect(endpoint.maxConnections == 4)
        #expect(endpoint.idleTimeout == .seconds(60))
    }

    /// A 20 MB text value (10 million two-byte characters) read through a source over TLS, in
    /// packets split above 16 MiB: on a MariaDB server of the test's own (see
    /// `MySQLPrivateServer`), as the shared test server has no TLS and a 16 MB packet limit.
    @Test func readsA20MBValueOverTLS() async throws {
        let server = try await MySQLPrivateServer.start()
        try await withAsyncCleanup {
            // As for the shared test server: a login's steps may wait behind minutes of CPU-bound
            // tests on a loaded machine (see scripts/test-databases.sh), past the 10 s default.
            var connection = MySQLConnectionOptions(host: "127.0.0.1", port: server.port, user: "root", database: "mysql", tls: .init(mode: .require))
            connection.connectTimeoutSeconds = 3600
            let source = try MySQLSource(
                config: MySQLSource.Config(
                    connection: connection,
                    query: "SELECT REPEAT('é', 10000000) AS big, 2 AS after"),
                context: ComponentContext(dataRoots: DataRoots([])))
            let read = try await MySQLFixture.read(source)
            let record = try #require(read.records.first?.objectValue)
            #expect(record["big"]?.stringValue?.utf8.count == 20_000_000)
            #expect(record["big"]?.stringValue?.unicodeScalars.allSatisfy { $0 == "é" } == true)
            #expect(record["after"] == 2)
        } cleanup: {
            await server.stop()
        }
    }
}
