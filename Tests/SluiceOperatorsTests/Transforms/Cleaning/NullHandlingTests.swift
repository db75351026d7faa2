import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct NullHandlingTests {
    @Test func removeNullRows() throws {
        let listed = try make(RemoveNulls.self, #"{"fields": ["email"]}"#)
        let input = try batch(#"[{"id": 1, "email": "a"}, {"id": 2, "email": null}, {"id": 3}, {"id": null, "email": "d"}]"#, positions: [1, 2, 3, 4])
        let out = try listed.process(input)
        #expect(text(out.batch) == #"[{"id":1,"email":"a"},{"id":null,"email":"d"}]"#)
        #expect(out.batch.positions == [1, 4])
        let any = try make(RemoveNulls.self, "{}")
        #expect(text(try any.process(input).batch) == #"[{"id":1,"email":"a"}]"#)
        let missing = try make(RemoveNulls.self, #"{"fields": ["ghost"]}"#)
        #expect(try missing.process(input).batch.count == 0)
        #expect(listed.inputDemand(forOutput: .only(["id"])) == .only(["id", "email"]))
        #expect(any.inputDemand(forOutput: .only(["id"])) == .all)
    }

    @Test func removeNullFields() throws {
        let remove = try make(RemoveNulls.self, #"{"mode": "fields", "fields": ["a", "b"]}"#)
        let out = try remove.process(try batch(#"[{"a": null, "b": 1, "c": null}, {"a": 2, "b": null, "c": 3}]"#))
        #expect(text(out.batch) == #"[{"b":1,"c":null},{"a":2,"c":3}]"#)
        #expect(out.batch.count == 2)
        let all = try make(RemoveNulls.self, #"{"mode": "fields"}"#)
        #expect(text(try all.process(try batch(#"[{"a": null, "b": 1, "c": null}]"#)).batch) == #"[{"b":1}]"#)
        #expect(specError { _ = try make(RemoveNulls.self, #"{"mode": "cells"}"#) }?.message == "mode: expected rows or fields, found 'cells'")
    }

    /// Runs a stateful transform over `batches`, returning everything it emitted in order.
    func run<T: StatefulTransform>(_ transform: T, _ batches: [RecordBatch]) throws -> (emitted: [String], final: String, bytes: Int) {
        var state = transform.makeState()
        var emitted: [String] = []
        var bytes = 0
        for batch in batches {
            emitted.append(text(try transform.consume(batch, into: &state).batch))
            bytes = max(bytes, transform.estimatedBytes(of: state))
        }
        return (emitted, text(try transform.finish(state)), bytes)
    }

    @Test func constantAndForwardStreamAcrossBatches() throws {
        let fill = try make(FillNulls.self, #"{"fields": {"region": {"value": "unknown"}, "price": {"strategy": "forward"}}}"#)
        #expect(!fill.holdsInput)
        let result = try run(fill, [
            try batch(#"[{"price": null, "region": "EU"}, {"price": 5, "region": null}, {"price": null}]"#),
            try batch(#"[{"price": null, "region": "US"}, {"price": 7.5}, {"region": null, "price": null}]"#),
            try batch(#"[{"other": 1}]"#),
        ])
        #expect(result.emitted == [
            #"[{"price":null,"region":"EU"},{"price":5,"region":"unknown"},{"price":5,"region":"unknown"}]"#,
            #"[{"price":5,"region":"US"},{"price":7.5,"region":"unknown"},{"price":7.5,"region":"unknown"}]"#,
            #"[{"other":1,"region":"unknown","price":7.5}]"#,
        ])
        #expect(result.final == "[]")
    }

    @Test func meanMedianModeHoldEverythingAndEmitAtFinish() throws {
        let fill = try make(
            FillNulls.self,
            #"{"fields": {"a": {"strategy": "mean"}, "b": {"strategy": "median"}, "c": {"strategy": "mode"}, "d": {"strategy": "forward"}}}"#)
        #expect(fill.holdsInput)
        let result = try run(fill, [
            try batch(#"[{"a": 1, "b": 4, "c": "x", "d": 1}, {"a": null, "b": null, "c": "y", "d": null}]"#, positions: [1, 2]),
            try batch(#"[{"a": 2.5, "b": 1, "c": "y", "d": null}, {"a": "n/a", "b": 10, "c": null}, {"b": 2, "c": "x"}]"#, positions: [3, 4, 5]),
        ])
        #expect(result.emitted == ["[]", "[]"])
        #expect(result.bytes > 0)
        // a: mean of 1 and 2.5; b: median of 4, 1, 10, 2; c: x and y tie at 2, x came first.
        #expect(result.final == #"[{"a":1,"b":4,"c":"x","d":1},{"a":1.75,"b":3.0,"c":"y","d":1},{"a":2.5,"b":1,"c":"y","d":1},{"a":"n/a","b":10,"c":"x","d":1},{"a":1.75,"b":2,"c":"x","d":1}]"#)
    }

    @Test func statisticsWithNothingToWorkFromKeepNulls() throws {
        let fill = try make(FillNulls.self, #"{"fields": {"a": {"strategy": "mean"}}}"#)
        let result = try run(fill, [try batch(#"[{"a": null}, {"a": "x"}]"#)])
        #expect(result.final == #"[{"a":null},{"a":"x"}]"#)
    }

    @Test func fillNullsConfigErrors() throws {
        #expect(specError { _ = try make(FillNulls.self, #"{"fields": {"a": {}}}"#) }?.message == "fields.a: expected a value or a strategy (constant, mean, median, mode, forward)")
        #expect(specError { _ = try make(FillNulls.self, #"{"fields": {"a": {"strategy": "avg"}}}"#) }?.message == "fields.a.strategy: expected one of constant, mean, median, mode, forward, found 'avg'")
        #expect(specError { _ = try make(FillNulls.self, #"{"fields": {"a": {"strategy": "mean", "value": 1}}}"#) }?.message == "fields.a.value: a value is only used by the constant strategy, not mean")
        #expect(specError { _ = try make(FillNulls.self, #"{"fields": {"a": {"value": null}}}"#) }?.message == "fields.a.value: filling nulls with null changes nothing")
        #expect(specError { _ = try make(FillNulls.self, #"{"fields": {"a": {"strategy": "constant"}}}"#) }?.message == "fields.a.value: the constant strategy needs a value")
        #expect(specError { _ = try make(FillNulls.self, #"{"fields": {}}"#) }?.message == #"fields: expected at least one field, as {"age": {"strategy": "mean"}}"#)
    }

    @Test func coerceAppliesSchemaCoercionsAndLeavesTheRest() throws {
        let coerce = try make(CoerceFields.self, #"{"fields": {"age": "number", "active": "boolean", "id": "string", "when": "date"}}"#)
        let input = try batch(#"[{"age": "42", "active": "TRUE", "id": 7, "when": "2024-01-15"}, {"age": "abc", "active": "yes", "id": true, "when": "nope"}, {"age": 3.5, "active": false, "id": null}]"#)
        let out = try coerce.process(input)
        #expect(text(out.batch) == #"[{"age":42,"active":true,"id":"7","when":"2024-01-15"},{"age":"abc","active":"yes","id":"true","when":"nope"},{"age":3.5,"active":false,"id":null}]"#)
        #expect(out.rejected.isEmpty)
        // The same as a non-strict schema's coercion of the same batch.
        let schema = SchemaSpec(fields: [FieldSpec(name: "age", type: .number), FieldSpec(name: "id", type: .string)])
        let validated = try SchemaValidator(schema: schema).validate(try batch(#"[{"age": "42", "id": 7}, {"age": "1e3", "id": false}]"#))
        let coerced = try coerce.process(try batch(#"[{"age": "42", "id": 7}, {"age": "1e3", "id": false}]"#))
        #expect(text(coerced.batch) == text(validated.batch))
        #expect(specError { _ = try make(CoerceFields.self, #"{"fields": {"a": "integer"}}"#) }?.message == "fields.a: unknown type 'integer'; expected one of string, number, boolean, date, array, object")
    }
}
