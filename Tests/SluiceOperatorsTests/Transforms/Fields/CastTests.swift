import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct CastTests {
    @Test func castsEachTypeAndRejectsWithReasons() throws {
        let cast = try make(
            CastFields.self,
            #"{"fields": {"amount": "number", "age": "integer", "active": "boolean", "created": "date", "id": "string"}}"#)
        let input = try batch(
            """
            [{"id": 7, "amount": " 12.5 ", "age": "2.5", "active": "Yes", "created": "2024-01-15T10:30:00+02:00"},
             {"id": 8, "amount": "abc", "age": "x", "active": "maybe", "created": null},
             {"id": 9.5, "amount": null, "age": -2.5, "active": 0, "created": 86400000}]
            """, positions: [2, 3, 4])
        let out = try cast.process(input)
        #expect(text(out.batch) == #"[{"id":"7","amount":12.5,"age":3,"active":true,"created":"2024-01-15T08:30:00.000Z"},{"id":"9.5","amount":null,"age":-2,"active":false,"created":"1970-01-02T00:00:00.000Z"}]"#)
        #expect(out.batch.positions == [2, 4])
        #expect(out.rejected.count == 1)
        #expect(out.rejected.first?.position == 3)
        #expect(out.rejected.first?.stage == "transform:cast")
        #expect(out.rejected.first?.reasons == [
            "Field amount: cannot cast 'abc' to number", "Field age: cannot cast 'x' to integer",
            "Field active: cannot cast 'maybe' to boolean",
        ])
        #expect(out.rejected.first?.record == (try json(#"{"id": 8, "amount": "abc", "age": "x", "active": "maybe", "created": null}"#)))
    }

    @Test func onErrorNullKeepsTheRow() throws {
        let cast = try make(CastFields.self, #"{"fields": {"n": "integer"}, "onError": "null"}"#)
        let out = try cast.process(try batch(#"[{"n": "1"}, {"n": "1e400"}, {"n": "9223372036854775807"}, {"n": "9223372036854775808"}, {}]"#))
        #expect(text(out.batch) == #"[{"n":1},{"n":null},{"n":9223372036854775807},{"n":null},{}]"#)
        #expect(out.rejected.isEmpty)
    }

    @Test func typedFastPathsAgreeWithTheValuePath() throws {
        let cast = try make(CastFields.self, #"{"fields": {"a": "number", "b": "integer", "c": "boolean", "d": "integer"}, "onError": "null"}"#)
        let input = try batch(
            """
            [{"a": "1", "b": "2.5", "c": "T", "d": 0.5},
             {"a": "-3", "b": "-0.5", "c": "no", "d": 1.5},
             {"a": "1e3", "b": " 7 ", "c": " true", "d": -2.5},
             {"a": null, "b": "+4", "c": "0", "d": 1e19},
             {"a": ".5", "b": "abc", "c": null, "d": null}]
            """)
        let expected = #"[{"a":1.0,"b":3,"c":true,"d":0},{"a":-3.0,"b":-1,"c":false,"d":2},{"a":1000.0,"b":7,"c":null,"d":-2},{"a":null,"b":4,"c":false,"d":null},{"a":0.5,"b":null,"c":null,"d":null}]"#
        #expect(text(try cast.process(input).batch) == expected)
        let general = text(try cast.process(valuesLayout(input)).batch)
        // The value path keeps integral numbers as ints; the typed path turns a column with a
        // fraction into doubles. They are the same values.
        #expect(try json(general) == (try json(expected)))
        if case .doubles = try cast.process(input).batch.column(named: "a")?.storage {} else { Issue.record("expected a double column") }
    }

    @Test func textColumnsTakeTheByteLevelPath() throws {
        var t = TextColumn()
        for s in ["10", "x", "", "-7"] { t.append(s) }
        let column = Column(storage: .text(t), presence: [.present, .present, .null, .present])
        let cast = CastColumn(column, to: .integer, count: 4)
        guard case .ints(let ints) = cast.column.storage else {
            Issue.record("expected ints")
            return
        }
        #expect(ints == [10, 0, 0, -7])
        #expect(cast.column.presence == [.present, .null, .null, .present])
        #expect(cast.failed == [1])
    }

    @Test func otherConversions() throws {
        #expect(CastType.string.cast(.double(2)) == .string("2"))
        #expect(CastType.string.cast(.bool(false)) == .string("false"))
        #expect(CastType.string.cast(try json(#"{"a":[1]}"#)) == .string(#"{"a":[1]}"#))
        #expect(CastType.array.cast(.string("[1, \"x\"]")) == (try json(#"[1, "x"]"#)))
        #expect(CastType.array.cast(.string("{}")) == nil)
        #expect(CastType.object.cast(.string(#"{"k": true}"#)) == (try json(#"{"k": true}"#)))
        #expect(CastType.number.cast(.bool(true)) == .int(1))
        #expect(CastType.number.cast(.string("nan")) == nil)
        #expect(CastType.number.cast(.string("0x10")) == nil)
        #expect(CastType.integer.cast(.string("-0")) == .int(0))
        #expect(CastType.boolean.cast(.double(.nan)) == nil)
        #expect(CastType.boolean.cast(.int(-3)) == .bool(true))
        #expect(CastType.date.cast(.string("2024-02-30")) == nil)
        #expect(CastType.date.cast(.bool(true)) == nil)
    }

    @Test func configErrorsAndLineage() throws {
        #expect(specError { _ = try make(CastFields.self, #"{"fields": {"a": "float"}}"#) }?.message
            == "fields.a: unknown type 'float'; expected one of string, number, integer, boolean, date, array, object")
        #expect(specError { _ = try make(CastFields.self, #"{"fields": {"a": "number"}, "onError": "skip"}"#) }?.message
            == "onError: expected reject or null, found 'skip'")
        #expect(specError { _ = try make(CastFields.self, #"{"fields": {}}"#) }?.message == #"fields: expected at least one field and type, as {"amount": "number"}"#)
        let cast = try make(CastFields.self, #"{"fields": {"a": "number"}}"#)
        #expect(cast.lineage(inputFields: ["a", "b"]) == [
            FieldDerivation(output: "a", inputs: ["a"], how: "cast"), FieldDerivation(output: "b", inputs: ["b"], how: "copy"),
        ])
        #expect(cast.inputDemand(forOutput: .only(["b"])) == .only(["a", "b"]))
        #expect(try make(CastFields.self, #"{"fields": {"a": "number"}, "onError": "null"}"#).inputDemand(forOutput: .only(["b"])) == .only(["b"]))
    }
}
