import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct ExpressionParserTests {
    @Test func precedenceAndAssociativity() throws {
        #expect(try value("1 + 2 * 3") == 7)
        #expect(try value("(1 + 2) * 3") == 9)
        #expect(try value("10 - 4 - 3") == 3)
        #expect(try value("2 * 3 % 4") == 2)
        #expect(try value("-2 * -3") == 6)
        #expect(try value("- (2 + 3)") == -5)
        #expect(try value("7 / 2") == 3.5)
        #expect(try value("1 + 2 < 4") == true)
        #expect(try value("true || false && false") == true)
        #expect(try value("(true || false) && false") == false)
        #expect(try value("!false && !true") == false)
        #expect(try value("!(1 > 2)") == true)
        #expect(try value("1 < 2 == 2 < 3") == true)
        #expect(try value("a + b * c", #"{"a": 1, "b": 2, "c": 3}"#) == 7)
    }

    @Test func literals() throws {
        #expect(try value("1.5") == .double(1.5))
        #expect(try value("1e3") == .double(1000))
        #expect(try value("2.5E-1") == .double(0.25))
        #expect(try value(".5") == .double(0.5))
        #expect(try value("42") == .int(42))
        #expect(try value(#"'it\'s'"#) == "it's")
        #expect(try value(#""say \"hi\"""#) == #"say "hi""#)
        #expect(try value(#"'a\\b\n\t'"#) == .string("a\\b\n\t"))
        #expect(try value(#""single ' inside""#) == "single ' inside")
        #expect(try value("true") == true)
        #expect(try value("FALSE") == false)
        #expect(try value("null") == .null)
        #expect(try value("'é北京👍🏽'") == "é北京👍🏽")
    }

    @Test func fieldReferences() throws {
        let row = #"{"amount": 5, "address": {"city": "Lima", "geo": {"lat": 1.5}}, "address.zip": "150", "tags": ["x", "y"], "order total": 9, "a`b": 1, "end": 3}"#
        #expect(try value("amount", row) == 5)
        #expect(try value("address.city", row) == "Lima")
        #expect(try value("address.geo.lat", row) == 1.5)
        #expect(try value("address.zip", row) == "150")
        #expect(try value("tags[1]", row) == "y")
        #expect(try value("tags[2]", row) == .null)
        #expect(try value("`order total` * 2", row) == 18)
        #expect(try value("`a``b`", row) == 1)
        #expect(try value("`end`", row) == 3)
        #expect(try value("missing", row) == .null)
        #expect(try value("address.country.code", row) == .null)
        #expect(try value("amount.x", row) == .null)
    }

    @Test func flatNameWinsOverNestedPath() throws {
        let row = #"{"a.b": "flat", "a": {"b": "nested"}}"#
        #expect(try value("a.b", row) == "flat")
        #expect(try value("`a`.b", #"{"a": {"b": "nested"}}"#) == "nested")
    }

    @Test func referencedFields() throws {
        let e = try Expression(parsing: "amount * quantity + coalesce(address.city, `x y`, tags[0]) + 1")
        #expect(e.referencedFields == ["amount", "quantity", "address.city", "address", "x y", "tags"])
        #expect(try Expression(parsing: "1 + 2").referencedFields.isEmpty)
    }

    @Test func caseAndIf() throws {
        let grade = "case when score >= 90 then 'A' when score >= 80 then 'B' else 'C' end"
        #expect(try evaluate(grade, #"[{"score": 95}, {"score": 85}, {"score": 10}, {"score": null}]"#).values == ["A", "B", "C", "C"])
        #expect(try value("CASE WHEN false THEN 1 END") == .null)
        #expect(try value("if(1 < 2, 'yes', 'no')") == "yes")
        #expect(try value("if(null, 'yes', 'no')") == "no")
    }

    /// Every malformed input fails at parse time with its exact message and 1-based position.
    @Test(arguments: [
        ("lenght(name) > 3", 1, "unknown function 'lenght'; did you mean 'length'?"),
        ("amount >", 9, "expected a value, found the end of the expression"),
        ("(amount + 1", 12, "expected ')' to close '(', found the end of the expression"),
        ("amount = 5", 8, "'=' is not an operator; use '==' to compare"),
        ("'abc", 1, "unterminated string; close it with '"),
        ("'a' * 2", 1, "cannot multiply a string"),
        ("-'x'", 1, "cannot negate a string"),
        ("name + 'x'", 8, "'+' adds numbers; use concat() to join text"),
        ("lower(a, b)", 1, "lower() takes 1 argument, got 2"),
        ("substring(s)", 1, "substring() takes 2 or 3 arguments, got 1"),
        ("regex_match(s, '(')", 16, "invalid regular expression '(': "),
        ("amount > 1 amount", 12, "expected an operator or the end of the expression, found 'amount'"),
        ("a && 5", 6, "'&&' needs true or false on both sides, found a number"),
        ("date_diff('dya', a, b)", 11, "unknown date unit 'dya'; expected one of year, quarter, month, week, day, hour, minute, second, millisecond, microsecond"),
        ("format_date(t, '%Q')", 16, "unknown date format directive %Q in '%Q'"),
        ("1 / 0", 5, "division by zero"),
        ("a & b", 3, "'&' is not an operator; use '&&' for and"),
        ("sqrt('x')", 6, "argument 1 of sqrt() must be a number, found a string"),
        ("case when a then 1", 19, "expected 'end' to close 'case', found the end of the expression"),
        ("if(a, 1)", 1, "if() takes 3 arguments (condition, value if true, value otherwise), got 2"),
        ("tags[x]", 6, "expected an array index (a whole number) after '[', found 'x'"),
        ("99999999999999999999", 1, "integer 99999999999999999999 is too large (limit 9223372036854775807)"),
        ("a # b", 3, "unexpected character '#'"),
        ("'a\\q'", 3, "unknown escape '\\q'; use \\' \\\" \\\\ \\n \\t or \\r"),
        ("", 1, "the expression is empty"),
        ("true == 1", 6, "cannot compare a boolean with a number"),
        ("x.", 3, "expected a field name after '.', found the end of the expression"),
        ("when", 1, "expected a value, found the keyword 'when' (quote a field with that name as `when`)"),
    ])
    func malformed(_ input: String, _ position: Int, _ message: String) throws {
        let error = try #require(parseError(input), "\(input) parsed")
        #expect(error.position == position, "\(input)")
        if message.hasSuffix(": ") {
            #expect(error.message.hasPrefix(message), "\(input): \(error.message)")
        } else {
            #expect(error.message == message, "\(input)")
        }
    }

    @Test func errorDescriptionDrawsACaret() throws {
        let error = try #require(parseError("lenght(name) > 3"))
        #expect(error.description == "unknown function 'lenght'; did you mean 'length'? at 1:1\n  lenght(name) > 3\n  ^")
        let second = try #require(parseError("amount > 1 &&\n  status = 'x'"))
        #expect(second.position == 24)
        #expect(second.description == "'=' is not an operator; use '==' to compare at 2:10\n    status = 'x'\n           ^")
    }

    @Test func booleanRequirement() throws {
        #expect(throws: ExpressionError.self) { try Expression(parsing: "amount * 2", requireBoolean: true) }
        #expect(try Expression(parsing: "amount > 2", requireBoolean: true).source == "amount > 2")
        #expect(try Expression(parsing: "flag", requireBoolean: true).source == "flag")
    }
}
