import SluiceCore
import Testing

@testable import SluiceOperators

/// The aggregation object directly under a field name, and `countNonNull` (SQL `count(x)`)
/// beside `count` (SQL `count(*)`).
@Suite struct AggregateFormsTests {
    /// The aggregate of `input` as JSON text, from its typed layout, its `[Value]` layout, and
    /// from one state per record merged in order (all three must agree).
    func run(_ config: String, _ input: String) throws -> String {
        let aggregate = try make(Aggregate.self, config)
        let records = try batch(input)
        var answers: [String] = []
        for layout in [records, valuesLayout(records)] {
            var state = aggregate.makeState()
            #expect(try aggregate.consume(layout, into: &state).rejected.isEmpty)
            answers.append(text(try aggregate.finish(state)))
        }
        var merged = aggregate.makeState()
        for row in 0..<records.count {
            var piece = aggregate.makeState()
            _ = try aggregate.consume(records.selecting([row]), into: &piece)
            aggregate.merge(&merged, piece)
        }
        answers.append(text(try aggregate.finish(merged)))
        #expect(Set(answers).count == 1, "\(answers)")
        return answers[0]
    }

    func message(_ config: String) -> String? {
        specError { _ = try make(Aggregate.self, config) }?.description
    }

    /// The declared problems of an aggregate config.
    func declaredErrors(_ config: String) throws -> [String] {
        ShapeValidator(catalog: ShapeCatalog(Aggregate.declaration.definitions))
            .errors(in: try json(config), against: .object(Aggregate.declaration.config)).map(\.description)
    }

    static let orders = """
        [{"g": "a", "amount": 1, "qty": 3, "v": 1}, {"g": "a", "amount": 2, "qty": 5, "v": 3},
         {"g": "b", "amount": 4, "qty": null, "v": null}]
        """

    @Test func objectUnderAFieldNameIsOneFunctionOfThatField() throws {
        let config = #"""
            {"groupBy": ["g"], "aggregations": {"amount": {"function": "sum", "as": "total"}, "qty": {"function": "max"},
                                                "v": {"function": "percentile", "p": 0.5}, "n": {"field": "amount", "function": "count"}}}
            """#
        #expect(try run(config, Self.orders) == #"[{"g":"a","total":3,"qty":5,"v":2.0,"n":2},{"g":"b","total":4,"qty":null,"v":null,"n":1}]"#)
        let aggregate = try make(Aggregate.self, config)
        #expect(aggregate.lineage(inputFields: ["g", "amount", "qty", "v"]) == [
            FieldDerivation(output: "g", inputs: ["g"], how: "group"),
            FieldDerivation(output: "total", inputs: ["amount"], how: "sum"),
            FieldDerivation(output: "qty", inputs: ["qty"], how: "max"),
            FieldDerivation(output: "v", inputs: ["v"], how: "percentile"),
            FieldDerivation(output: "n", inputs: [], how: "count"),
        ])
        // The same as the list form with one entry, except for the default name.
        #expect(
            try run(#"{"groupBy": ["g"], "aggregations": {"amount": [{"function": "sum", "as": "total"}]}}"#, Self.orders)
                == run(#"{"groupBy": ["g"], "aggregations": {"amount": {"function": "sum", "as": "total"}}}"#, Self.orders))
    }

    @Test func objectUnderAFieldNameErrorsCarryTheirPaths() throws {
        // `field` makes the key the output name, `as` makes it the input field: not both.
        let both = #"{"aggregations": {"amount": {"field": "qty", "function": "sum", "as": "total"}}}"#
        #expect(message(both) == "aggregations.amount.as: give either field (the key 'amount' then names the output) or as (the key then names the input field), not both")
        #expect(try declaredErrors(both) == ["aggregations.amount.as: give only one of field or as, not both field and as"])
        #expect(message(#"{"aggregations": {"amount": {"function": "percentile"}}}"#) == "aggregations.amount.p: required field is missing")
        #expect(message(#"{"aggregations": {"amount": {"function": "sum", "p": 0.5}}}"#) == "aggregations.amount.p: p applies only to percentile, not sum")
        #expect(message(#"{"aggregations": {"amount": {"as": "x"}}}"#) == "aggregations.amount.function: required field is missing")
        #expect(message(#"{"aggregations": {"amount": {"function": "sum", "as": ""}}}"#) == "aggregations.amount.as: expected a field name, found an empty string")
        #expect(message(#"{"aggregations": {"amount": {"function": "sum", "alias": "x"}}}"#) == "aggregations.amount.alias: unknown key 'alias'; expected function, as and p")
        #expect(try declaredErrors(#"{"aggregations": {"amount": {"function": "sum", "alias": "x"}}}"#) == [
            "aggregations.amount.alias: unknown key; expected one of field, function, as, p"
        ])
        #expect(message(#"{"aggregations": {"amount": {"function": "sum", "as": "t"}, "t": "max"}}"#) == "aggregations.t: output field 't' is also produced by aggregations.amount")
        #expect(message(#"{"groupBy": ["amount"], "aggregations": {"amount": {"function": "sum"}}}"#) == "aggregations.amount: 'amount' is also a groupBy field; the output cannot hold two fields of that name")
    }

    @Test func countNonNullCountsValuesAndCountCountsRows() throws {
        let input = """
            [{"g": "a", "v": 1}, {"g": "a", "v": null}, {"g": "a"}, {"g": "b", "v": "x"}, {"g": "b", "v": false},
             {"g": "c", "v": null}, {"g": "b", "v": 0}, {"g": "b", "v": ""}, {"g": "b", "v": []}]
            """
        let config = #"{"groupBy": ["g"], "aggregations": {"v": ["count", "countNonNull"], "missing": "countNonNull"}}"#
        #expect(try run(config, input) == """
            [{"g":"a","v_count":3,"v_countNonNull":1,"missing":0},\
            {"g":"b","v_count":5,"v_countNonNull":5,"missing":0},\
            {"g":"c","v_count":1,"v_countNonNull":0,"missing":0}]
            """)
        // Without groupBy and without input there is still one record, counting nothing.
        let global = try make(Aggregate.self, #"{"aggregations": {"v": "countNonNull", "n": "count"}}"#)
        #expect(text(try global.finish(global.makeState())) == #"[{"v":0,"n":0}]"#)
        let aggregate = try make(Aggregate.self, config)
        #expect(aggregate.lineage(inputFields: ["g", "v"]).map(\.inputs) == [["g"], [], ["v"], ["missing"]])
        #expect(aggregate.inputDemand(forOutput: .all) == .only(["g", "v", "missing"]))
    }

    @Test func countNonNullStateIsCounted() throws {
        let aggregate = try make(Aggregate.self, #"{"groupBy": ["g"], "aggregations": {"v": "countNonNull"}}"#)
        var state = aggregate.makeState()
        let before = aggregate.estimatedBytes(of: state)
        _ = try aggregate.consume(RecordBatch(records: (0..<10_000).map { ValueObject([("g", .int($0)), ("v", .int(1))]) }), into: &state)
        // A group key and a count per group at least.
        #expect(aggregate.estimatedBytes(of: state) - before >= 10_000 * 16)
    }
}
