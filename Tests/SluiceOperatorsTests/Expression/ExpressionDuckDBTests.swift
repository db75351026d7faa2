import SluiceCore
import Testing

@testable import SluiceOperators

/// Sluice expressions against the equivalent DuckDB SQL on the same generated rows: nulls,
/// negatives, zeros, empty strings and unicode. Every result is compared exactly (doubles to
/// 1e-9 relative, though they come out identical).
@Suite struct ExpressionDuckDBTests {
    static let rowCount = 3_000

    /// The rows for Sluice (dates as timestamps) and the same rows as NDJSON for DuckDB.
    static func generate() -> (batch: RecordBatch, ndjson: String) {
        var random = DuckDBOracle.Generator(state: 7)
        let names = ["Alice", "émile", "Zoë Ortiz", "北京市", "o'brien", "  padded  ", "", "Ünïcödé 👍🏽", "bob", "ANNA-MARIA"]
        let emails = ["alice@example.com", "Bob.Smith@mail.org", "no-at-sign", "", "a@b@c", "x@y.org", "zoë@exämple.de"]
        let regions = ["EU", "US", "APAC"]
        let statuses = ["active", "inactive"]
        var records: [ValueObject] = []
        var lines: [String] = []
        for id in 0..<rowCount {
            let name: Value = random.below(12) == 0 ? .null : .string(names[random.below(names.count)])
            let email: Value = random.below(10) == 0 ? .null : .string(emails[random.below(emails.count)])
            let region: Value = random.below(4) == 0 ? .null : .string(regions[random.below(regions.count)])
            let status: Value = random.below(8) == 0 ? .null : .string(statuses[random.below(statuses.count)])
            let amount: Value = random.below(10) == 0 ? .null : .double(Double(random.below(400_001) - 100_000) / 1000)
            let quantity: Value = random.below(10) == 0 ? .null : .int(random.below(15) - 5)
            let createdMicros = Int64(1_640_995_200 + random.below(4 * 365 * 86_400)) * 1_000_000
            let shippedMicros = createdMicros + Int64(random.below(800 * 3600) - 100 * 3600) * 1_000_000
            let created: Value = random.below(15) == 0 ? .null : .timestamp(Timestamp(microseconds: createdMicros))
            let shipped: Value = .timestamp(Timestamp(microseconds: shippedMicros))
            let fields: [(String, Value)] = [
                ("id", .int(id)), ("name", name), ("email", email), ("region", region), ("status", status), ("amount", amount),
                ("quantity", quantity), ("created", created), ("shipped", shipped),
            ]
            records.append(ValueObject(fields))
            // DuckDB reads `YYYY-MM-DD HH:MM:SS` as a TIMESTAMP.
            let line = ValueObject(fields.map { key, value in
                if case .timestamp(let t) = value { return (key, .string(String(t.iso8601.prefix(19)).replacingFirstT())) }
                return (key, value)
            })
            lines.append(JSONText.string(.object(line)))
        }
        return (RecordBatch(records: records), lines.joined(separator: "\n") + "\n")
    }

    /// Sluice expression → DuckDB SQL.
    static let cases: [(String, String)] = [
        ("round(amount * 1.1, 2)", "round(amount * 1.1, 2)"),
        ("split_part(email, '@', 2)", "split_part(email, '@', 2)"),
        ("split_part(email, '.', quantity)", "split_part(email, '.', quantity)"),
        ("coalesce(region, 'none')", "coalesce(region, 'none')"),
        ("substring(name, 2, 3)", "substring(name, 2, 3)"),
        ("substring(name, quantity, 2)", "substring(name, quantity, 2)"),
        ("substring(name, 2, quantity)", "substring(name, 2, quantity)"),
        ("length(name)", "length(name)"),
        ("upper(name)", "upper(name)"),
        ("lower(name)", "lower(name)"),
        ("trim(name)", "trim(name)"),
        ("concat(name, '-', region)", "concat(name, '-', region)"),
        ("replace(email, '.', '_')", "replace(email, '.', '_')"),
        ("starts_with(name, 'A')", "starts_with(name, 'A')"),
        ("ends_with(email, '.org')", "ends_with(email, '.org')"),
        ("contains(email, 'mail')", "contains(email, 'mail')"),
        ("regex_match(email, '^[a-z]+@')", "regexp_matches(email, '^[a-z]+@')"),
        ("regex_replace(name, '[aeiou]', '*', 'g')", "regexp_replace(name, '[aeiou]', '*', 'g')"),
        ("regex_replace(email, '([a-z]+)@', '<\\\\1>')", "regexp_replace(email, '([a-z]+)@', '<\\1>')"),
        ("amount * quantity", "amount * quantity"),
        ("quantity * 3 - 7", "quantity * 3 - 7"),
        ("quantity % 4", "quantity % 4"),
        ("-quantity + abs(quantity)", "-quantity + abs(quantity)"),
        ("floor(amount) + ceil(amount)", "floor(amount) + ceil(amount)"),
        ("to_int(amount)", "CAST(amount AS BIGINT)"),
        ("min(quantity, 3)", "least(quantity, 3)"),
        ("max(amount, quantity)", "greatest(amount, quantity)"),
        ("amount > 100 && status == 'active'", "amount > 100 AND status = 'active'"),
        ("amount < 0 || quantity <= 0", "amount < 0 OR quantity <= 0"),
        ("!(region == 'EU')", "NOT (region = 'EU')"),
        ("case when amount > 100 then 'high' when amount > 0 then 'mid' else 'low' end",
         "CASE WHEN amount > 100 THEN 'high' WHEN amount > 0 THEN 'mid' ELSE 'low' END"),
        ("if(quantity > 0, 'pos', 'nonpos')", "CASE WHEN quantity > 0 THEN 'pos' ELSE 'nonpos' END"),
        ("date_diff('day', created, shipped)", "date_diff('day', created, shipped)"),
        ("date_diff('week', created, shipped)", "date_diff('week', created, shipped)"),
        ("date_diff('month', created, shipped)", "date_diff('month', created, shipped)"),
        ("date_diff('hour', created, shipped)", "date_diff('hour', created, shipped)"),
        ("date_diff('year', shipped, created)", "date_diff('year', shipped, created)"),
        ("format_date(date_add(created, quantity, 'month'), '%Y-%m-%d %H:%M:%S')", "strftime(created + to_months(quantity), '%Y-%m-%d %H:%M:%S')"),
        ("format_date(date_add(created, quantity * 10, 'day'), '%d/%m/%Y %I:%M %p %j')", "strftime(created + to_days(quantity * 10), '%d/%m/%Y %I:%M %p %j')"),
        ("year(created) * 100 + month(created)", "year(created) * 100 + month(created)"),
        ("weekday(created)", "dayofweek(created)"),
        ("hour(shipped)", "hour(shipped)"),
    ]

    @Test func expressionsMatchDuckDB() async throws {
        #expect(Self.cases.count >= 40)
        let (input, ndjson) = Self.generate()
        let columns = "{'id': 'BIGINT', 'name': 'VARCHAR', 'email': 'VARCHAR', 'region': 'VARCHAR', 'status': 'VARCHAR', 'amount': 'DOUBLE', 'quantity': 'BIGINT', 'created': 'TIMESTAMP', 'shipped': 'TIMESTAMP'}"
        let select = Self.cases.enumerated().map { i, c in "\(c.1) AS e\(i)" }.joined(separator: ", ")
        let oracle = try await DuckDBOracle.query(
            "SELECT id, \(select) FROM read_json('$CSV', format = 'newline_delimited', columns = \(columns)) ORDER BY id", csv: ndjson)
        #expect(oracle.count == Self.rowCount)
        var actual = (0..<input.count).map { _ in ValueObject() }
        for (i, c) in Self.cases.enumerated() {
            let result = try Expression(parsing: c.0).evaluate(input, now: testNow)
            #expect(result.rowErrors.isEmpty, "\(c.0): \(result.rowErrors.prefix(3))")
            for row in 0..<input.count { actual[row]["e\(i)"] = result.column.value(at: row) }
        }
        for (i, c) in Self.cases.enumerated() {
            let mismatches = DuckDBOracle.compare(actual, oracle, fields: [("e\(i)", "e\(i)")], label: c.0)
            #expect(mismatches == 0, "\(c.0)")
        }
    }

    /// Division is the one place the semantics differ on purpose: DuckDB gives NULL (or
    /// infinity) for division by zero, Sluice gives null and reports the row.
    @Test func divisionMatchesDuckDBAwayFromZero() async throws {
        let (input, ndjson) = Self.generate()
        let columns = "{'id': 'BIGINT', 'amount': 'DOUBLE', 'quantity': 'BIGINT'}"
        let oracle = try await DuckDBOracle.query(
            "SELECT id, CASE WHEN quantity = 0 THEN NULL ELSE amount / quantity END AS r FROM read_json('$CSV', format = 'newline_delimited', columns = \(columns)) ORDER BY id",
            csv: ndjson)
        let result = try Expression(parsing: "amount / quantity").evaluate(input, now: testNow)
        let actual = (0..<input.count).map { ValueObject([("r", result.column.value(at: $0))]) }
        #expect(DuckDBOracle.compare(actual, oracle, fields: [("r", "r")], label: "amount / quantity") == 0)
        let zeroRows = (0..<input.count).filter { input.columns[6].value(at: $0) == 0 && !input.columns[5].value(at: $0).isNull }
        #expect(!zeroRows.isEmpty)
        #expect(result.rowErrors == zeroRows.map { ExpressionRowError(row: $0, reason: "division by zero") })
    }
}

extension String {
    /// `2024-01-02T03:04:05` → `2024-01-02 03:04:05`.
    fileprivate func replacingFirstT() -> String {
        guard let i = firstIndex(of: "T") else { return self }
        var copy = self
        copy.replaceSubrange(i...i, with: " ")
        return copy
    }
}
