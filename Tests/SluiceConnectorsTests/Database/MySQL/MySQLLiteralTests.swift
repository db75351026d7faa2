import SluiceCore
import Testing

@testable import SluiceConnectors

/// Query parameters written into the SQL as literals.
@Suite struct MySQLLiteralTests {
    @Test func parametersBecomeLiteralsThatCannotChangeTheStatement() throws {
        let sql = try MySQLLiteral.substitute(
            "SELECT * FROM t WHERE a = ? AND b = '?' AND `c?` = ? -- ?\n AND d IN (?, ?, ?) /* ? */ # ?",
            ["x' OR 1=1 -- \\", 7, nil, true, 2.5], path: "query")
        #expect(sql == "SELECT * FROM t WHERE a = _utf8mb4 X'7827204F5220313D31202D2D205C' AND b = '?' AND `c?` = 7 -- ?\n AND d IN (NULL, TRUE, 2.5) /* ? */ # ?")
        #expect(MySQLLiteral.literal(.timestamp(Timestamp(microseconds: 1_704_164_645_123_456))) == "TIMESTAMP'2024-01-02 03:04:05.123456'")
        #expect(MySQLLiteral.literal(.double(.nan)) == nil)
        #expect(MySQLLiteral.placeholderOffsets("'it''s ?' \"a\\\"?\" ?") == [17])
        #expect(throws: SpecError(path: "parameters[0]", "expected a string, number, boolean, date or null, found array")) {
            _ = try MySQLLiteral.substitute("SELECT ?", [[1]], path: "query")
        }
    }
}
