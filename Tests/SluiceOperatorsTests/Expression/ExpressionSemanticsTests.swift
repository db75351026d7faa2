import Foundation
import SluiceCore
import Testing

@testable import SluiceOperators

/// Null semantics, runtime failures, and agreement between typed fast paths and the general path.
@Suite struct ExpressionSemanticsTests {
    @Test func nullsPropagateThroughArithmeticAndComparisons() throws {
        let rows = #"{"a": null, "b": 2}"#
        #expect(try value("a + b", rows) == .null)
        #expect(try value("-a", rows) == .null)
        #expect(try value("a > b", rows) == .null)
        #expect(try value("a == null", rows) == .null)
        #expect(try value("!a", rows) == .null)
        #expect(try value("lower(a)", rows) == .null)
        #expect(try value("missing * 2", rows) == .null)
    }

    @Test func threeValuedLogic() throws {
        let table: [(String, Value)] = [
            ("null && false", false), ("false && null", false), ("null && true", .null), ("true && null", .null),
            ("null || true", true), ("true || null", true), ("null || false", .null), ("false || null", .null),
            ("null && null", .null), ("null || null", .null), ("true && true", true), ("false || false", false),
        ]
        for (source, expected) in table {
            // Literal operands are folded; the same cases over columns take the batch paths.
            #expect(try value(source) == expected, "\(source)")
            let columns = source.replacingOccurrences(of: "null", with: "n").replacingOccurrences(of: "true", with: "t")
                .replacingOccurrences(of: "false", with: "f")
            let row = #"{"n": null, "t": true, "f": false}"#
            #expect(try value(columns, row) == expected, "\(columns)")
            #expect(try evaluate(columns, #"[{"n": null, "t": true, "f": false}, {"n": null, "t": true, "f": false}]"#).values == [expected, expected])
        }
    }

    @Test func maskKeepsOnlyTrue() throws {
        let e = try Expression(parsing: "amount > 100 && status == 'active'")
        let input = try batch(
            #"[{"amount": 150, "status": "active"}, {"amount": 150, "status": "inactive"}, {"amount": null, "status": "active"}, {"amount": 50, "status": null}, {"amount": 101.5, "status": "active"}, {"status": "active"}]"#)
        let (mask, errors) = e.evaluateMask(input, now: testNow)
        #expect(mask == [true, false, false, false, true, false])
        #expect(errors.isEmpty)
        let (valuesMask, _) = e.evaluateMask(valuesLayout(input), now: testNow)
        #expect(valuesMask == mask)
        let (nonBoolean, nonBooleanErrors) = try Expression(parsing: "amount").evaluateMask(input, now: testNow)
        #expect(nonBoolean == [false, false, false, false, false, false])
        #expect(nonBooleanErrors.map(\.row) == [0, 1, 3, 4])
        #expect(nonBooleanErrors.first?.reason == "expected true or false, found number 150")
    }

    @Test func runtimeErrorsGiveNullAndAReason() throws {
        #expect(try failure("a / b", #"{"a": 1, "b": 0}"#) == "division by zero")
        #expect(try failure("a % b", #"{"a": 1, "b": 0}"#) == "division by zero")
        #expect(try failure("a / b", #"{"a": 1.5, "b": 0.0}"#) == "division by zero")
        #expect(try failure("a * 2", #"{"a": 9223372036854775807}"#) == "integer overflow")
        #expect(try failure("a + 1", #"{"a": 9223372036854775807}"#) == "integer overflow")
        #expect(try failure("a - 2", #"{"a": -9223372036854775807}"#) == "integer overflow")
        #expect(try value("-a", #"{"a": -9223372036854775807}"#) == 9223372036854775807)
        #expect(try failure("to_int(a)", #"{"a": "abc"}"#) == "cannot convert 'abc' to an integer")
        #expect(try failure("to_bool(a)", #"{"a": "maybe"}"#) == "cannot convert 'maybe' to a boolean")
        #expect(try failure("parse_date(a)", #"{"a": "2024-02-30"}"#) == "cannot parse '2024-02-30' as an ISO 8601 date")
        #expect(try failure("parse_date(a, '%d/%m/%Y')", #"{"a": "2024-01-01"}"#) == "cannot parse '2024-01-01' as a date in the format '%d/%m/%Y'")
        #expect(try failure("a * 2", #"{"a": "abc"}"#) == "cannot multiply 'abc': not a number")
        #expect(try failure("a > 2", #"{"a": "abc"}"#) == "cannot compare string 'abc' with number 2")
        #expect(try failure("a && true", #"{"a": 1}"#) == "expected true or false, found number 1")
        #expect(try failure("sqrt(a)", #"{"a": -1}"#) == "cannot take the square root of a negative number")
        #expect(try failure("regex_match('x', p)", #"{"p": "("}"#)?.hasPrefix("invalid regular expression '('") == true)
        #expect(try failure("date_add(a, 1, 'day')", #"{"a": "soon"}"#) == "cannot read 'soon' as an ISO 8601 date")
    }

    @Test func errorsAreReportedPerRowInRowOrder() throws {
        let (values, errors) = try evaluate("a / b + to_int(c)", #"[{"a": 1, "b": 0, "c": "1"}, {"a": 4, "b": 2, "c": "2"}, {"a": 1, "b": 0, "c": "x"}, {"a": 1, "b": 1, "c": "x"}]"#)
        #expect(values == [.null, 4.0, .null, .null])
        #expect(errors == [
            ExpressionRowError(row: 0, reason: "division by zero"),
            ExpressionRowError(row: 2, reason: "division by zero"),
            ExpressionRowError(row: 3, reason: "cannot convert 'x' to an integer"),
        ])
    }

    @Test func branchesNotTakenReportNothing() throws {
        let rows = #"[{"x": 0}, {"x": 5}]"#
        let guarded = try evaluate("if(x != 0, 10 / x, 0)", rows)
        #expect(guarded.values == [0, 2.0])
        #expect(guarded.errors.isEmpty)
        let caseGuard = try evaluate("case when x == 0 then -1 when 10 / x > 1 then 1 else 0 end", rows)
        #expect(caseGuard.values == [-1, 1])
        #expect(caseGuard.errors.isEmpty)
        let andGuard = try evaluate("x != 0 && 10 / x > 1", rows)
        #expect(andGuard.values == [false, true])
        #expect(andGuard.errors.isEmpty)
        let orGuard = try evaluate("x == 0 || 10 / x > 1", rows)
        #expect(orGuard.values == [true, true])
        #expect(orGuard.errors.isEmpty)
        let coalesceGuard = try evaluate("coalesce(y, 10 / x)", #"[{"x": 0, "y": 1}, {"x": 0}]"#)
        #expect(coalesceGuard.values == [1, .null])
        #expect(coalesceGuard.errors == [ExpressionRowError(row: 1, reason: "division by zero")])
        let taken = try evaluate("if(x == 0, 10 / x, 0)", rows)
        #expect(taken.values == [.null, 0])
        #expect(taken.errors == [ExpressionRowError(row: 0, reason: "division by zero")])
    }

    /// The typed loops and the per-value path give identical results and errors.
    @Test func typedAndGeneralPathsAgree() throws {
        let rows = #"[{"a": 3, "b": 4, "d": 1.5, "s": "abc", "t": "abd"}, {"a": null, "b": 0, "d": -2.5, "s": "", "t": ""}, {"a": -9223372036854775807, "b": 2, "d": null, "s": "é", "t": "z"}, {"a": 7, "b": -3, "d": 0.0, "s": null, "t": "x"}]"#
        let input = try batch(rows)
        let expressions = [
            "a + b", "a - b", "a * b", "a / b", "a % b", "a * d", "d / b", "-a", "-d", "a < b", "a >= d", "a == b", "d != 1.5",
            "s < t", "s == 'abc'", "'abd' > s", "s != t", "a > 1 && d < 0", "a > 1 || d < 0", "!(a > b)", "a * 3 > 5",
        ]
        for source in expressions {
            let e = try Expression(parsing: source)
            let typed = e.evaluate(input, now: testNow)
            let general = e.evaluate(valuesLayout(input), now: testNow)
            let typedValues = (0..<input.count).map { typed.column.value(at: $0) }
            let generalValues = (0..<input.count).map { general.column.value(at: $0) }
            #expect(typedValues == generalValues, "\(source)")
            #expect(typed.rowErrors == general.rowErrors, "\(source)")
        }
        let product = try Expression(parsing: "a * b").evaluate(input, now: testNow)
        #expect(product.rowErrors == [ExpressionRowError(row: 2, reason: "integer overflow")])
        #expect((0..<4).map { product.column.value(at: $0) } == [12, .null, .null, -21])
    }

    @Test func resultsAreTypedColumns() throws {
        let input = try batch(#"[{"a": 1, "b": 2.5, "s": "x"}, {"a": 2, "b": null, "s": "y"}]"#)
        guard case .ints = try Expression(parsing: "a * 2").evaluate(input, now: testNow).column.storage else {
            Issue.record("expected ints")
            return
        }
        guard case .doubles = try Expression(parsing: "a * b").evaluate(input, now: testNow).column.storage else {
            Issue.record("expected doubles")
            return
        }
        guard case .text = try Expression(parsing: "upper(s)").evaluate(input, now: testNow).column.storage else {
            Issue.record("expected text")
            return
        }
        let absent = try Expression(parsing: "c").evaluate(try batch(#"[{"a": 1}, {"c": 2}]"#), now: testNow).column
        #expect(absent.presence == [.null, .present])
    }
}
