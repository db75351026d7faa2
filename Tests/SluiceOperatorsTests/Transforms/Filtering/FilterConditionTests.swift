import SluiceCore
import Testing

@testable import SluiceOperators

/// Runs a filter config over `input` in its typed layout, in the `[Value]` layout and with
/// `n` as text, expecting all three to keep the same rows; returns those rows' positions.
private func kept(_ configJSON: String, _ input: RecordBatch) throws -> [Int] {
    let filter = try make(Filter.self, configJSON)
    let typed = try filter.process(input)
    let general = try filter.process(valuesLayout(input))
    let text = try filter.process(DuckDBDifferentialTests.textLayout(input, field: "n"))
    #expect(typed.batch.positions == general.batch.positions, "typed and general paths disagree for \(configJSON)")
    #expect(typed.batch.positions == text.batch.positions, "int and text layouts disagree for \(configJSON)")
    #expect(typed.rejected.isEmpty)
    return typed.batch.positions
}

private func filterError(_ configJSON: String) -> String? {
    specError { _ = try make(Filter.self, configJSON) }?.message
}

@Suite struct FilterConditionTests {
    // Positions 1…6: n with a null (3) and an absent (4) cell; s with an empty string, unicode,
    // a null (5) and an absent (6) cell.
    let rows = try! batch(
        """
        [{"n": 5, "s": "apple"}, {"n": -3, "s": "Äpfel"}, {"n": null, "s": ""}, {"s": "banana"},
         {"n": 10, "s": null}, {"n": 0}]
        """)

    @Test func nullTests() throws {
        #expect(try kept(#"{"field": "n", "operator": "isNull"}"#, rows) == [3, 4])
        #expect(try kept(#"{"field": "n", "operator": "notNull"}"#, rows) == [1, 2, 5, 6])
        #expect(try kept(#"{"field": "s", "operator": "isNull", "value": null}"#, rows) == [5, 6])
        #expect(try kept(#"{"field": "missing", "operator": "isNull"}"#, rows) == [1, 2, 3, 4, 5, 6])
        #expect(try kept(#"{"field": "missing", "operator": "notNull"}"#, rows) == [])
    }

    @Test func textMatching() throws {
        #expect(try kept(#"{"field": "s", "operator": "startsWith", "value": "a"}"#, rows) == [1])
        #expect(try kept(#"{"field": "s", "operator": "startsWith", "value": "Ä"}"#, rows) == [2])
        // The empty prefix starts every string, the empty one too, but no null.
        #expect(try kept(#"{"field": "s", "operator": "startsWith", "value": ""}"#, rows) == [1, 2, 3, 4])
        #expect(try kept(#"{"field": "s", "operator": "endsWith", "value": "na"}"#, rows) == [4])
        #expect(try kept(#"{"field": "s", "operator": "endsWith", "value": "applepie"}"#, rows) == [])
        // Partial matches, as DuckDB's regexp_matches.
        #expect(try kept(#"{"field": "s", "operator": "regex", "value": "p"}"#, rows) == [1, 2])
        #expect(try kept(#"{"field": "s", "operator": "regex", "value": "^[a-z]+$"}"#, rows) == [1, 4])
        #expect(try kept(#"{"field": "s", "operator": "regex", "value": "^$"}"#, rows) == [3])
        #expect(try kept(#"{"field": "s", "operator": "regex", "value": "^Ä.f"}"#, rows) == [2])
        // Numbers are not text: only string cells match.
        #expect(try kept(#"{"field": "m", "operator": "startsWith", "value": "5"}"#, try batch(#"[{"m": 5}, {"m": "5"}]"#)) == [2])
    }

    @Test func between() throws {
        #expect(try kept(#"{"field": "n", "operator": "between", "value": [0, 5]}"#, rows) == [1, 6])
        #expect(try kept(#"{"field": "n", "operator": "between", "value": [-3, -3]}"#, rows) == [2])
        #expect(try kept(#"{"field": "n", "operator": "between", "value": [-2.5, 100.0]}"#, rows) == [1, 5, 6])
        #expect(try kept(#"{"field": "n", "operator": "between", "value": [5, 0]}"#, rows) == [])
        // Strings by bytes: "Äpfel" (0xC3…) sorts after every ASCII letter.
        #expect(try kept(#"{"field": "s", "operator": "between", "value": ["b", "c"]}"#, rows) == [4])
        #expect(try kept(#"{"field": "s", "operator": "between", "value": ["", "b"]}"#, rows) == [1, 3])
        let mixed = try batch(#"[{"n": 1.5}, {"n": "2"}, {"n": "x"}, {"n": true}, {"n": 3}]"#)
        #expect(try kept(#"{"field": "n", "operator": "between", "value": [1, "2.5"]}"#, mixed) == [1, 2])
    }

    @Test func notInFollowsSQL() throws {
        #expect(try kept(#"{"field": "n", "operator": "notIn", "value": [5, 10]}"#, rows) == [2, 6])
        #expect(try kept(#"{"field": "n", "operator": "notIn", "value": []}"#, rows) == [1, 2, 5, 6])
        #expect(try kept(#"{"field": "s", "operator": "notIn", "value": ["apple", ""]}"#, rows) == [2, 4])
        // A listed null makes every unmatched row unknown, as `x NOT IN (5, NULL)` is.
        #expect(try kept(#"{"field": "n", "operator": "notIn", "value": [5, null]}"#, rows) == [])
        #expect(try kept(#"{"not": {"field": "n", "operator": "notIn", "value": [5, null]}}"#, rows) == [1])
        #expect(try kept(#"{"field": "n", "operator": "notIn", "value": ["5"]}"#, rows) == [2, 5, 6])
    }

    @Test func notIsSQLNot() throws {
        // Orderings, text tests and ranges are unknown on null and absent cells; not keeps them unknown.
        #expect(try kept(#"{"not": {"field": "n", "operator": "gt", "value": 1}}"#, rows) == [2, 6])
        #expect(try kept(#"{"not": {"field": "n", "operator": "between", "value": [0, 5]}}"#, rows) == [2, 5])
        #expect(try kept(#"{"not": {"field": "s", "operator": "regex", "value": "p"}}"#, rows) == [3, 4])
        #expect(try kept(#"{"not": {"field": "s", "operator": "contains", "value": "an"}}"#, rows) == [1, 2, 3])
        #expect(try kept(#"{"not": {"field": "s", "operator": "startsWith", "value": "a"}}"#, rows) == [2, 3, 4])
        #expect(try kept(#"{"not": {"field": "s", "operator": "endsWith", "value": "e"}}"#, rows) == [2, 3, 4])
        // eq, ne and in are JavaScript's: definite for null, so not is their plain complement.
        #expect(try kept(#"{"not": {"field": "n", "operator": "eq", "value": 5}}"#, rows) == [2, 3, 4, 5, 6])
        #expect(try kept(#"{"not": {"field": "n", "operator": "ne", "value": 5}}"#, rows) == [1])
        #expect(try kept(#"{"not": {"field": "n", "operator": "in", "value": [5, null]}}"#, rows) == [2, 5, 6])
        #expect(try kept(#"{"not": {"field": "n", "operator": "isNull"}}"#, rows) == [1, 2, 5, 6])
        #expect(try kept(#"{"not": {"not": {"field": "n", "operator": "gt", "value": 1}}}"#, rows) == [1, 5])
    }

    @Test func nestedCombinations() throws {
        #expect(try kept(
            """
            {"or": [{"and": [{"field": "n", "operator": "gte", "value": 0}, {"field": "s", "operator": "notNull"}]},
                    {"field": "s", "operator": "startsWith", "value": "b"}]}
            """, rows) == [1, 4])
        // not (A and B) = not A or not B; row 4 (n absent, "banana") is unknown and row 5 (s null) too.
        #expect(try kept(
            """
            {"not": {"and": [{"field": "n", "operator": "gt", "value": 0}, {"field": "s", "operator": "contains", "value": "a"}]}}
            """, rows) == [2, 3, 6])
        // not (A or B) = not A and not B, with ne definite for null s.
        #expect(try kept(
            """
            {"not": {"or": [{"field": "n", "operator": "gt", "value": 100}, {"field": "s", "operator": "eq", "value": "apple"}]}}
            """, rows) == [2, 5, 6])
        // Unknown or true is true; unknown and false is false, so not of it is true.
        #expect(try kept(
            #"{"or": [{"field": "n", "operator": "lt", "value": 0}, {"field": "s", "operator": "eq", "value": "banana"}]}"#, rows) == [2, 4])
        #expect(try kept(
            #"{"not": {"and": [{"field": "n", "operator": "gt", "value": 0}, {"field": "s", "operator": "eq", "value": "zzz"}]}}"#, rows)
            == [1, 2, 3, 4, 5, 6])
        // Deep nesting and a single-part and/or.
        #expect(try kept(
            """
            {"and": [{"or": [{"not": {"and": [{"field": "n", "operator": "isNull"}]}}]},
                     {"or": [{"field": "s", "operator": "regex", "value": "^[aÄ]"}, {"field": "n", "operator": "eq", "value": 0}]}]}
            """, rows) == [1, 2, 6])
    }

    @Test func maskAndSelectedRowsAgree() throws {
        let condition = try Condition(parsing: try json(#"{"or": [{"field": "n", "operator": "lt", "value": 0}, {"field": "s", "operator": "isNull"}]}"#))
        #expect(condition.selectedRows(rows) == [1, 4, 5])
        #expect(condition.mask(rows) == [false, true, false, false, true, true])
        #expect(condition.fields == ["n", "s"])
        #expect(condition.mask(.empty) == [])
    }

    @Test func inputDemandAddsEveryTestedField() throws {
        let filter = try make(
            Filter.self, #"{"and": [{"field": "a", "operator": "gt", "value": 1}, {"not": {"field": "b", "operator": "isNull"}}, {"field": "a", "operator": "lt", "value": 9}]}"#)
        #expect(filter.inputDemand(forOutput: .only(["c"])) == .only(["a", "b", "c"]))
        #expect(filter.inputDemand(forOutput: .all) == .all)
    }

    @Test func errorsPointInsideTheCondition() throws {
        #expect(filterError(#"{"and": [{"field": "a", "operator": "eq", "value": 1}, {"or": [{"field": "b", "operator": "like", "value": 1}]}]}"#)
            == "and[1].or[0].operator: unknown operator 'like'; expected one of eq, ne, gt, gte, lt, lte, in, contains, isNull, notNull, startsWith, endsWith, regex, between, notIn")
        #expect(filterError(#"{"not": {"field": "a", "operator": "regex", "value": "(ab"}}"#)?.hasPrefix("not.value: invalid regular expression '(ab': ") == true)
        #expect(filterError(#"{"field": "a", "operator": "regex", "value": 3}"#) == "value: regex expects a regular expression as a string, got number")
        #expect(filterError(#"{"field": "a", "operator": "between", "value": [1]}"#) == "value: between expects [low, high], two numbers, strings or booleans, got an array of 1")
        #expect(filterError(#"{"field": "a", "operator": "between", "value": [1, null]}"#) == "value: between expects [low, high], two numbers, strings or booleans, got an array holding null, an array or an object")
        #expect(filterError(#"{"field": "a", "operator": "between", "value": 3}"#) == "value: between expects [low, high], two numbers, strings or booleans, got number")
        #expect(filterError(#"{"field": "a", "operator": "isNull", "value": false}"#) == "value: isNull takes no value, got boolean")
        #expect(filterError(#"{"field": "a", "operator": "notIn", "value": "x"}"#) == "value: notIn expects an array of values, got string")
        #expect(filterError(#"{"field": "a", "operator": "startsWith", "value": 1}"#) == "value: startsWith expects a string, got number")
        #expect(filterError(#"{"or": [{"field": "a", "operator": "endsWith"}]}"#) == "or[0].value: endsWith expects a string, got null")
        #expect(filterError(#"{"and": []}"#) == "and: expected at least one condition")
        #expect(filterError(#"{"or": {"field": "a", "operator": "isNull"}}"#) == "or: expected an array of conditions, found object")
        #expect(filterError(#"{"not": [{"field": "a", "operator": "isNull"}]}"#)?.hasPrefix("not: expected a condition: ") == true)
        #expect(filterError(#"{"or": [1]}"#) == #"or[0]: expected a condition: {"field": …, "operator": …, "value": …}, {"and": [...]}, {"or": [...]} or {"not": {...}}; found number"#)
        #expect(filterError(#"{"and": [{"field": "a", "operator": "isNull"}], "field": "x"}"#) == #"field: unexpected key 'field' beside 'and'; write {"and": …} as an object of its own"#)
        #expect(filterError(#"{"field": "a", "operator": "eq", "vaule": 1}"#) == "vaule: unknown key 'vaule'; expected field, operator and value, or one of and, or, not, expr")
        #expect(filterError(#"{"not": {"and": [{"operator": "eq"}]}}"#) == "not.and[0].field: required field is missing")
    }
}

/// The `{"expr": …}` form of a condition, alone, nested and negated.
@Suite struct ExpressionConditionTests {
    @Test func expressionsSelectWhereTrueAndNotWhereFalse() throws {
        let batch = RecordBatch(records: [
            ValueObject([("amount", .int(150)), ("status", .string("active"))]),
            ValueObject([("amount", .int(50)), ("status", .string("active"))]),
            ValueObject([("amount", .null), ("status", .string("closed"))]),
            ValueObject([("amount", .int(0)), ("status", .string("closed"))]),
        ])
        func kept(_ json: String) throws -> [Int] {
            try make(Filter.self, json).process(batch).batch.positions
        }
        #expect(try kept(#"{"expr": "amount > 100 && status == 'active'"}"#) == [1])
        // Null amount is unknown under not, and 10 / 0 is an error: neither is selected.
        #expect(try kept(#"{"not": {"expr": "amount > 100"}}"#) == [2, 4])
        #expect(try kept(#"{"expr": "10 / amount > 0.1"}"#) == [2])
        // The record whose expression failed is not lost: it goes to the DLQ with the reason.
        let divided = try make(Filter.self, #"{"expr": "10 / amount > 0.1"}"#).process(batch)
        #expect(divided.rejected.map(\.position) == [4])
        #expect(divided.rejected.first?.reasons == ["10 / amount > 0.1: division by zero"])
        // A row another part of the condition already decided is not refused for the failure.
        let decided = try make(Filter.self, #"{"and": [{"field": "status", "operator": "eq", "value": "active"}, {"expr": "10 / amount > 0.1"}]}"#).process(batch)
        #expect(decided.batch.positions == [2])
        #expect(decided.rejected.isEmpty)
        #expect(try kept(#"{"or": [{"expr": "amount >= 150"}, {"field": "status", "operator": "eq", "value": "closed"}]}"#) == [1, 3, 4])
    }

    @Test func aBadExpressionIsASpecErrorAtExpr() {
        #expect(throws: SpecError.self) { try make(Filter.self, #"{"and": [{"expr": "amount >"}]}"#) }
        do {
            _ = try make(Filter.self, #"{"and": [{"expr": "amount >"}]}"#)
        } catch let error as SpecError {
            #expect(error.path == "and[0].expr")
            #expect(error.message.contains("amount >\n"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
