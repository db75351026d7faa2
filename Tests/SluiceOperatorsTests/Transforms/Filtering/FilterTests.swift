import SluiceCore
import Testing

@testable import SluiceOperators

/// Runs a filter config over `input` in its typed layout, the `[Value]` layout and with text
/// dictionary-encoded, expecting all three to keep the same rows (the dictionary-encoded
/// text staying encoded); returns those rows' positions.
private func kept(_ configJSON: String, _ input: RecordBatch) throws -> [Int] {
    let filter = try make(Filter.self, configJSON)
    let typed = try filter.process(input)
    let general = try filter.process(valuesLayout(input))
    #expect(typed.batch.positions == general.batch.positions, "typed and general paths disagree for \(configJSON)")
    #expect(typed.rejected.isEmpty)
    #expect(text(typed.batch) == text(general.batch))
    let encodedInput = dictionaryLayout(input)
    let encoded = try filter.process(encodedInput)
    #expect(encoded.batch.positions == typed.batch.positions, "dictionary and plain text disagree for \(configJSON)")
    #expect(text(encoded.batch) == text(typed.batch))
    #expect(encoded.rejected.count == typed.rejected.count)
    if encodedInput.hasDictionaryText, !encoded.batch.isEmpty { #expect(encoded.batch.hasDictionaryText) }
    return typed.batch.positions
}

private func filterError(_ configJSON: String) -> String? {
    specError { _ = try make(Filter.self, configJSON) }?.message
}

@Suite struct FilterTests {
    // Positions 1…6: ints with a null and an absent row.
    let ints = try! batch(#"[{"n": 5}, {"n": 100}, {"n": null}, {"x": 1}, {"n": -3}, {"n": 42}]"#)
    let doubles = try! batch(#"[{"n": 5.5}, {"n": 100.25}, {"n": null}, {"x": 1}, {"n": -3.5}, {"n": 42.0}]"#)
    let texts = try! batch(#"[{"s": "active"}, {"s": "inactive"}, {"s": null}, {"x": 1}, {"s": "42"}, {"s": "Active"}, {"s": "100.5"}]"#)

    @Test func comparisonsOnIntColumns() throws {
        #expect(try kept(#"{"field": "n", "operator": "eq", "value": 42}"#, ints) == [6])
        #expect(try kept(#"{"field": "n", "operator": "eq", "value": 42.0}"#, ints) == [6])
        #expect(try kept(#"{"field": "n", "operator": "eq", "value": "42"}"#, ints) == [6])
        #expect(try kept(#"{"field": "n", "operator": "ne", "value": 42}"#, ints) == [1, 2, 3, 4, 5])
        #expect(try kept(#"{"field": "n", "operator": "gt", "value": 5}"#, ints) == [2, 6])
        #expect(try kept(#"{"field": "n", "operator": "gte", "value": 5}"#, ints) == [1, 2, 6])
        #expect(try kept(#"{"field": "n", "operator": "lt", "value": 5}"#, ints) == [5])
        #expect(try kept(#"{"field": "n", "operator": "lte", "value": 5.0}"#, ints) == [1, 5])
        #expect(try kept(#"{"field": "n", "operator": "gt", "value": 4.5}"#, ints) == [1, 2, 6])
        #expect(try kept(#"{"field": "n", "operator": "gt", "value": "41.5"}"#, ints) == [2, 6])
        #expect(try kept(#"{"field": "n", "operator": "gt", "value": "abc"}"#, ints) == [])
        #expect(try kept(#"{"field": "n", "operator": "eq", "value": "abc"}"#, ints) == [])
        #expect(try kept(#"{"field": "n", "operator": "ne", "value": "abc"}"#, ints) == [1, 2, 3, 4, 5, 6])
    }

    @Test func comparisonsOnDoubleColumns() throws {
        #expect(try kept(#"{"field": "n", "operator": "eq", "value": 42}"#, doubles) == [6])
        #expect(try kept(#"{"field": "n", "operator": "gt", "value": 5.5}"#, doubles) == [2, 6])
        #expect(try kept(#"{"field": "n", "operator": "gte", "value": "5.5"}"#, doubles) == [1, 2, 6])
        #expect(try kept(#"{"field": "n", "operator": "lt", "value": 0}"#, doubles) == [5])
        #expect(try kept(#"{"field": "n", "operator": "ne", "value": 100.25}"#, doubles) == [1, 3, 4, 5, 6])
    }

    @Test func comparisonsOnTextColumns() throws {
        #expect(try kept(#"{"field": "s", "operator": "eq", "value": "active"}"#, texts) == [1])
        #expect(try kept(#"{"field": "s", "operator": "ne", "value": "active"}"#, texts) == [2, 3, 4, 5, 6, 7])
        // Strings order by bytes: "Active" < "active" < "inactive"; "42" and "100.5" sort before letters.
        #expect(try kept(#"{"field": "s", "operator": "gt", "value": "active"}"#, texts) == [2])
        #expect(try kept(#"{"field": "s", "operator": "lt", "value": "active"}"#, texts) == [5, 6, 7])
        #expect(try kept(#"{"field": "s", "operator": "gte", "value": "Active"}"#, texts) == [1, 2, 6])
        // A numeric string equals and compares as the number it spells.
        #expect(try kept(#"{"field": "s", "operator": "eq", "value": 42}"#, texts) == [5])
        #expect(try kept(#"{"field": "s", "operator": "gt", "value": 50}"#, texts) == [7])
        #expect(try kept(#"{"field": "s", "operator": "ne", "value": 42}"#, texts) == [1, 2, 3, 4, 6, 7])
        // Two strings compare as strings, even when both spell numbers.
        #expect(try kept(#"{"field": "s", "operator": "eq", "value": "42.0"}"#, texts) == [])
        #expect(try kept(#"{"field": "s", "operator": "eq", "value": true}"#, texts) == [])
        #expect(try kept(#"{"field": "s", "operator": "lte", "value": false}"#, texts) == [])
    }

    @Test func nullAndAbsentCells() throws {
        #expect(try kept(#"{"field": "n", "operator": "eq", "value": null}"#, ints) == [3, 4])
        #expect(try kept(#"{"field": "n", "operator": "eq"}"#, ints) == [3, 4])
        #expect(try kept(#"{"field": "n", "operator": "ne", "value": null}"#, ints) == [1, 2, 5, 6])
        #expect(try kept(#"{"field": "s", "operator": "ne", "value": null}"#, texts) == [1, 2, 5, 6, 7])
        #expect(try kept(#"{"field": "n", "operator": "lt", "value": 1000}"#, ints) == [1, 2, 5, 6])
        // A field the batch lacks is absent in every row.
        #expect(try kept(#"{"field": "missing", "operator": "eq", "value": null}"#, ints) == [1, 2, 3, 4, 5, 6])
        #expect(try kept(#"{"field": "missing", "operator": "ne", "value": 1}"#, ints) == [1, 2, 3, 4, 5, 6])
        #expect(try kept(#"{"field": "missing", "operator": "gt", "value": 1}"#, ints) == [])
        #expect(try kept(#"{"field": "missing", "operator": "in", "value": [1, null]}"#, ints) == [1, 2, 3, 4, 5, 6])
    }

    @Test func inOperator() throws {
        #expect(try kept(#"{"field": "n", "operator": "in", "value": [5, "42", 7]}"#, ints) == [1, 6])
        #expect(try kept(#"{"field": "n", "operator": "in", "value": [null]}"#, ints) == [3, 4])
        #expect(try kept(#"{"field": "s", "operator": "in", "value": ["active", 100.5]}"#, texts) == [1, 7])
        #expect(try kept(#"{"field": "s", "operator": "in", "value": []}"#, texts) == [])
    }

    @Test func containsOperator() throws {
        #expect(try kept(#"{"field": "s", "operator": "contains", "value": "ctiv"}"#, texts) == [1, 2, 6])
        #expect(try kept(#"{"field": "s", "operator": "contains", "value": "0.5"}"#, texts) == [7])
        #expect(try kept(#"{"field": "s", "operator": "contains", "value": 4}"#, texts) == [5])
        #expect(try kept(#"{"field": "s", "operator": "contains", "value": ""}"#, texts) == [1, 2, 5, 6, 7])
        let tags = try batch(#"[{"t": ["a", "b"]}, {"t": [1, 2]}, {"t": "ab"}, {"t": null}, {"t": 12}]"#)
        #expect(try kept(#"{"field": "t", "operator": "contains", "value": "a"}"#, tags) == [1, 3])
        #expect(try kept(#"{"field": "t", "operator": "contains", "value": 2}"#, tags) == [2])
        #expect(try kept(#"{"field": "n", "operator": "contains", "value": 4}"#, ints) == [])
    }

    @Test func booleanAndMixedColumns() throws {
        let mixed = try batch(#"[{"v": true}, {"v": false}, {"v": 1}, {"v": "1"}, {"v": "x"}, {"v": 2.5}]"#)
        #expect(try kept(#"{"field": "v", "operator": "eq", "value": true}"#, mixed) == [1])
        #expect(try kept(#"{"field": "v", "operator": "eq", "value": 1}"#, mixed) == [3, 4])
        #expect(try kept(#"{"field": "v", "operator": "gte", "value": 1}"#, mixed) == [3, 4, 6])
        #expect(try kept(#"{"field": "v", "operator": "gt", "value": false}"#, mixed) == [1])
        let flags = try batch(#"[{"f": true}, {"f": false}, {"f": null}]"#)
        #expect(try kept(#"{"field": "f", "operator": "eq", "value": false}"#, flags) == [2])
        #expect(try kept(#"{"field": "f", "operator": "ne", "value": false}"#, flags) == [1, 3])
    }

    @Test func outputKeepsAllFieldsOfPassingRows() throws {
        let input = try batch(#"[{"id": 1, "status": "active"}, {"id": 2, "status": "inactive"}, {"id": 3, "status": "active", "extra": true}]"#, positions: [7, 8, 9])
        let out = try make(Filter.self, #"{"field": "status", "operator": "eq", "value": "active"}"#).process(input)
        #expect(text(out.batch) == #"[{"id":1,"status":"active"},{"id":3,"status":"active","extra":true}]"#)
        #expect(out.batch.positions == [7, 9])
    }

    @Test func configErrors() throws {
        #expect(filterError(#"{"field": "a", "operator": "foo", "value": 1}"#) == "operator: unknown operator 'foo'; expected one of eq, ne, gt, gte, lt, lte, in, contains, isNull, notNull, startsWith, endsWith, regex, between, notIn")
        #expect(filterError(#"{"field": "a", "operator": "in", "value": 1}"#) == "value: in expects an array of values, got number")
        #expect(filterError(#"{"field": "a", "operator": "in"}"#) == "value: in expects an array of values, got null")
        #expect(filterError(#"{"field": "a", "operator": "gt"}"#) == "value: gt expects a number, string or boolean to compare with, got null")
        #expect(filterError(#"{"operator": "eq", "value": 1}"#) == "field: required field is missing")
        #expect(filterError(#"{"field": "a", "operator": 3}"#) == "operator: expected a string, found number")
    }

    @Test func lineageCopiesEveryField() throws {
        let filter = try make(Filter.self, #"{"field": "a", "operator": "eq", "value": 1}"#)
        #expect(filter.lineage(inputFields: ["a", "b"]) == [
            FieldDerivation(output: "a", inputs: ["a"], how: "copy"), FieldDerivation(output: "b", inputs: ["b"], how: "copy"),
        ])
    }
}
