import SluiceCore
import SluiceOperators
import Testing

/// What a filter right after a source tells the source it may skip on.
@Suite struct ConditionPushdownTests {
    static func conditions(_ config: Value) throws -> [FieldCondition] {
        ConditionPushdown.conditions(try ValueDecoder().decode(Filter.Config.self, from: config).condition)
    }

    @Test func testsJoinedByAndArePassedOnAndEverythingElseIsLeftOut() throws {
        let found = try Self.conditions([
            "and": [
                ["field": "amount", "operator": "gte", "value": 100],
                ["field": "status", "operator": "eq", "value": "paid"],
                ["field": "day", "operator": "between", "value": [3, 9.5]],
                ["field": "note", "operator": "isNull"],
                ["field": "id", "operator": "notNull"],
                ["field": "zip", "operator": "eq", "value": "00123"],
                ["field": "x", "operator": "ne", "value": 1],
                ["field": "when", "operator": "lt", "value": "2024-05-01"],
                ["or": [["field": "a", "operator": "eq", "value": 1], ["field": "b", "operator": "eq", "value": 2]]],
                ["expr": "amount > 5"],
                ["and": [["field": "ok", "operator": "eq", "value": true], ["field": "n", "operator": "lt", "value": -1.5]]],
            ]
        ])
        #expect(
            found == [
                FieldCondition(field: "amount", comparison: .greaterOrEqual, value: 100),
                FieldCondition(field: "status", comparison: .equal, value: "paid"),
                FieldCondition(field: "day", comparison: .greaterOrEqual, value: 3),
                FieldCondition(field: "day", comparison: .lessOrEqual, value: 9.5),
                FieldCondition(field: "note", comparison: .isNull),
                FieldCondition(field: "id", comparison: .isNotNull),
                FieldCondition(field: "ok", comparison: .equal, value: true),
                FieldCondition(field: "n", comparison: .less, value: -1.5),
            ])
    }

    @Test func aNegationOrAnAlternativeGivesNothing() throws {
        #expect(try Self.conditions(["not": ["field": "a", "operator": "eq", "value": 1]]).isEmpty)
        #expect(try Self.conditions(["or": [["field": "a", "operator": "gt", "value": 1]]]).isEmpty)
        #expect(try Self.conditions(["field": "a", "operator": "gt", "value": 1]) == [FieldCondition(field: "a", comparison: .greater, value: 1)])
    }
}
