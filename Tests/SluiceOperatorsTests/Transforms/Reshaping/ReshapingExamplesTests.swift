import SluiceCore
import Testing

@testable import SluiceOperators

/// The examples given for the reference documentation of the reshaping operations and the
/// new join forms, run exactly as written.
@Suite struct ReshapingExamplesTests {
    func stateful<T: StatefulTransform>(_ type: T.Type, _ config: String, _ input: String) throws -> String {
        text(try runStateful(try make(type, config), [try batch(input)]))
    }

    @Test func sort() throws {
        #expect(
            try stateful(Sort.self, #"{"by": [{"field": "amount", "direction": "desc"}, "id"]}"#,
                #"[{"id": 1, "amount": 5}, {"id": 2, "amount": null}, {"id": 3, "amount": 9}, {"id": 4, "amount": 5}]"#)
                == #"[{"id":3,"amount":9},{"id":1,"amount":5},{"id":4,"amount":5},{"id":2,"amount":null}]"#)
    }

    @Test func limit() throws {
        #expect(
            try stateful(Limit.self, #"{"count": 2, "offset": 1}"#, #"[{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}]"#)
                == #"[{"n":2},{"n":3}]"#)
    }

    @Test func sample() throws {
        let input = "[" + (1...10).map { #"{"n": \#($0)}"# }.joined(separator: ", ") + "]"
        let count = try stateful(Sample.self, #"{"count": 3, "seed": 42}"#, input)
        #expect(count == #"[{"n":5},{"n":6},{"n":7}]"#)
        let fraction = try stateful(Sample.self, #"{"fraction": 0.3, "seed": 42}"#, input)
        #expect(fraction == #"[{"n":1},{"n":2},{"n":7}]"#)
    }

    @Test func pivot() throws {
        #expect(
            try stateful(
                Pivot.self, #"{"index": ["region"], "column": "quarter", "value": "sales", "aggregate": "sum"}"#,
                #"[{"region": "eu", "quarter": "q2", "sales": 5}, {"region": "eu", "quarter": "q1", "sales": 3}, {"region": "us", "quarter": "q1", "sales": 4}, {"region": "eu", "quarter": "q1", "sales": 2}]"#)
                == #"[{"region":"eu","q1":5,"q2":5},{"region":"us","q1":4,"q2":null}]"#)
    }

    @Test func unpivot() throws {
        let unpivot = try make(Unpivot.self, #"{"fields": ["q1", "q2"], "name": "quarter", "value": "sales"}"#)
        let out = try unpivot.process(try batch(#"[{"region": "eu", "q1": 5, "q2": null}, {"region": "us", "q1": 4, "q2": 7}]"#)).batch
        #expect(text(out) == #"[{"region":"eu","quarter":"q1","sales":5},{"region":"us","quarter":"q1","sales":4},{"region":"us","quarter":"q2","sales":7}]"#)
    }

    @Test func rightJoin() throws {
        let join = try make(Join.self, #"{"with": {"type": "file", "config": {"path": "{dir}/customers.csv"}}, "on": "customer_id", "type": "right"}"#)
        guard case .stateful(let prepared) = try join.preparedTransform(
            with: try batch(#"[{"customer_id": 10, "segment": "retail"}, {"customer_id": 11, "segment": "wholesale"}]"#))
        else {
            Issue.record("a right join is stateful")
            return
        }
        let out = try runStateful(prepared, [try batch(#"[{"id": 1, "customer_id": 10}, {"id": 2, "customer_id": 99}]"#)])
        #expect(text(out) == #"[{"id":1,"customer_id":10,"segment":"retail"},{"id":null,"customer_id":11,"segment":"wholesale"}]"#)
    }

    @Test func fullJoinOnTwoKeysWithAPrefix() throws {
        let join = try make(
            Join.self,
            #"{"with": {"type": "file", "config": {"path": "{dir}/targets.csv"}}, "on": ["region", "quarter"], "type": "full", "prefix": "t_"}"#)
        guard case .stateful(let prepared) = try join.preparedTransform(
            with: try batch(#"[{"region": "eu", "quarter": "q1", "sales": 10}, {"region": "us", "quarter": "q1", "sales": 8}]"#))
        else {
            Issue.record("a full join is stateful")
            return
        }
        let out = try runStateful(
            prepared, [try batch(#"[{"region": "eu", "quarter": "q1", "sales": 12}, {"region": "eu", "quarter": "q2", "sales": 7}]"#)])
        #expect(
            text(out)
                == #"[{"region":"eu","quarter":"q1","sales":12,"t_sales":10},{"region":"eu","quarter":"q2","sales":7,"t_sales":null},{"region":"us","quarter":"q1","sales":null,"t_sales":8}]"#
        )
    }
}
