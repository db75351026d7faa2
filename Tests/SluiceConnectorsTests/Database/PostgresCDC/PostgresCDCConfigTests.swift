import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

@Suite struct PostgresCDCConfigTests {
    private func source(_ config: Value) throws -> PostgresCDCSource {
        let decoded = try ValueDecoder().decode(PostgresCDCSource.Config.self, from: config)
        return try PostgresCDCSource(config: decoded, context: ComponentContext(dataRoots: DataRoots([])))
    }

    private func error(_ config: Value) -> SpecError? {
        do {
            _ = try source(config)
            return nil
        } catch {
            return error as? SpecError
        }
    }

    @Test func defaultsAndLocation() throws {
        let cdc = try source(["url": "postgres://app:secret@db.internal:6543/sales", "slot": "orders_cdc"])
        #expect(cdc.location == "postgres_cdc:postgres://app@db.internal:6543/sales#orders_cdc")
        #expect(cdc.publication == "sluice_orders_cdc")
        #expect(cdc.tables == nil)
        #expect(cdc.createSlot == true)
        #expect(cdc.maxChanges == nil)
        #expect(cdc.rowLimit == nil)
        #expect(PostgresCDCSource.type == "postgres_cdc")
    }

    @Test func explicitSettings() throws {
        let cdc = try source([
            "host": "db", "user": "app", "database": "sales", "slot": "s1", "publication": "Orders Pub",
            "tables": ["orders", "audit.Log"], "createSlot": false, "maxChanges": 10,
        ])
        #expect(cdc.publication == "Orders Pub")
        #expect(cdc.tables == [PostgresCDCTableName(schema: "public", table: "orders"), PostgresCDCTableName(schema: "audit", table: "Log")])
        #expect(cdc.tables?.map(\.quoted) == ["\"public\".\"orders\"", "\"audit\".\"Log\""])
        #expect(cdc.createSlot == false)
        #expect(cdc.maxChanges == 10)
        #expect(cdc.rowLimit == 104)
        #expect(PostgresCDCSource.rowLimit(maxChanges: 1) == 68)
        #expect(PostgresCDCSource.rowLimit(maxChanges: 536_870_895) == 2_147_483_644)
        #expect(PostgresCDCSource.rowLimit(maxChanges: 536_870_896) == nil)
    }

    @Test func invalidSettingsNameTheirPath() {
        let url: Value = "postgres://app@db/sales"
        #expect(error(["url": url]) == SpecError(path: "slot", "required field is missing"))
        #expect(error(["url": url, "slot": "Orders"])
            == SpecError(path: "slot", "'Orders' is not a valid replication slot name: use lower-case letters, digits and _"))
        #expect(error(["url": url, "slot": "a-b"])?.path == "slot")
        #expect(error(["url": url, "slot": ""]) == SpecError(path: "slot", "must not be empty"))
        #expect(error(["url": url, "slot": .string(String(repeating: "s", count: 64))])
            == SpecError(path: "slot", "must be at most 63 characters long"))
        #expect(error(["url": url, "slot": .string(String(repeating: "s", count: 57))])?.path == "publication")
        #expect(error(["url": url, "slot": .string(String(repeating: "s", count: 57)), "publication": "p"]) == nil)
        #expect(error(["url": url, "slot": "s", "publication": ""]) == SpecError(path: "publication", "must not be empty"))
        #expect(error(["url": url, "slot": "s", "tables": []])?.path == "tables")
        #expect(error(["url": url, "slot": "s", "tables": ["a", "a.b.c"]])
            == SpecError(path: "tables[1]", "expected 'table' or 'schema.table', found 'a.b.c'"))
        #expect(error(["url": url, "slot": "s", "tables": [".a"]])?.path == "tables[0]")
        #expect(error(["url": url, "slot": "s", "tables": ["a", "public.a"]]) == SpecError(path: "tables[1]", "'public.a' is listed twice"))
        #expect(error(["url": url, "slot": "s", "maxChanges": 0]) == SpecError(path: "maxChanges", "must be at least 1, found 0"))
        #expect(error(["url": url, "slot": 5])?.path == "slot")
        #expect(error(["slot": "s"])?.path == "host")
    }
}
