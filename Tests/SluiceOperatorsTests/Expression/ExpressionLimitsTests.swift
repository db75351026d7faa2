import Foundation
import SluiceCore
import Testing

@testable import SluiceOperators

/// Runs `body` on a new thread with a 512 KiB stack (a macOS secondary thread's default, the
/// smallest Sluice runs on) and returns its result. A walk that recursed without bound would
/// overflow this stack and crash the test run rather than pass.
private func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 512 << 10
        thread.start()
    }
}

/// What parsing `source` gives, on a small stack: the error, or `nil` when it parses.
private func limitError(_ source: String) async -> ExpressionError? {
    await onSmallStack { parseError(source) }
}

/// The values of `source` over `rowsJSON`, parsed and evaluated on a small stack, with the
/// fields the expression reads.
private func evaluateOnSmallStack(_ source: String, _ rowsJSON: String) async throws -> (values: [Value], errors: [ExpressionRowError], fields: Set<String>) {
    let input = try batch(rowsJSON)
    let outcome = await onSmallStack { () -> Result<(values: [Value], errors: [ExpressionRowError], fields: Set<String>), ExpressionError> in
        do throws(ExpressionError) {
            let expression = try Expression(parsing: source)
            let result = expression.evaluate(input, now: testNow)
            return .success(((0..<input.count).map { result.column.value(at: $0) }, result.rowErrors, expression.referencedFields))
        } catch {
            return .failure(error)
        }
    }
    return try outcome.get()
}

@Suite struct ExpressionLimitsTests {
    static let depthMessage = "the expression nests deeper than 128 levels; simplify it"
    static let lengthMessage = "the expression is longer than 65536 bytes; shorten it"

    @Test func theLimitsAreTheDocumentedOnes() {
        #expect(ExpressionLimits.maximumDepth == 128)
        #expect(ExpressionLimits.maximumSourceBytes == 65_536)
    }

    /// 20,000 parentheses around an addition (a 40 KB expression): the 128th `(` opens the
    /// 129th level (the whole expression is the first), so the error points at the next one.
    @Test func twentyThousandParenthesesAreRefusedAtTheLimit() async throws {
        let source = String(repeating: "(", count: 20_000) + "amount + 1" + String(repeating: ")", count: 20_000)
        let error = try #require(await limitError(source))
        #expect(error.message == Self.depthMessage)
        #expect(error.position == 129)
        // The description shows 80 characters around the spot, not the whole 40 KB line.
        #expect(error.description == Self.depthMessage + " at 1:129\n  …" + String(repeating: "(", count: 80) + "…\n  " + String(repeating: " ", count: 41) + "^")
    }

    @Test func aMillionNotsAreRefusedByLength() async throws {
        let error = try #require(await limitError(String(repeating: "!", count: 1_000_000) + "flag"))
        #expect(error.message == Self.lengthMessage)
        #expect(error.position == 65_537)
    }

    @Test func sixtyThousandNotsAreRefusedByDepth() async throws {
        let error = try #require(await limitError(String(repeating: "!", count: 60_000) + "flag"))
        #expect(error.message == Self.depthMessage)
        #expect(error.position == 129)
    }

    /// 300,000 terms are 1.2 MB of text; refused before anything is parsed.
    @Test func aThreeHundredThousandTermSumIsRefusedByLength() async throws {
        let source = Array(repeating: "a", count: 300_000).joined(separator: " + ")
        let error = try #require(await limitError(source))
        #expect(error.message == Self.lengthMessage)
        #expect(error.position == 65_537)
    }

    /// A long run of one operator is one level, so a sum of 16,000 terms (32 KB, within the
    /// length limit) parses and evaluates on a small stack, exactly.
    @Test func aLongSumIsOneLevelAndEvaluatesExactly() async throws {
        let source = Array(repeating: "a", count: 16_000).joined(separator: "+")
        let (values, errors, fields) = try await evaluateOnSmallStack(source, #"[{"a": 3}, {"a": -7}, {"a": null}, {"a": 0.5}]"#)
        #expect(values == [.int(48_000), .int(-112_000), .null, .double(8_000)])
        #expect(errors.isEmpty)
        #expect(fields == ["a"])
    }

    /// `abs(` is four characters, so 10,000 nested calls fit the length limit; call k's
    /// argument is level k + 1 and starts at character 4k.
    @Test func tenThousandNestedCallsAreRefusedAtTheLimit() async throws {
        let source = String(repeating: "abs(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)
        let error = try #require(await limitError(source))
        #expect(error.message == Self.depthMessage)
        #expect(error.position == 4 * 128 + 1)
    }

    @Test func twentyThousandNestedCallsAreRefusedByLength() async throws {
        let source = String(repeating: "abs(", count: 20_000) + "x" + String(repeating: ")", count: 20_000)
        let error = try #require(await limitError(source))
        #expect(error.message == Self.lengthMessage)
        #expect(error.position == 65_537)
    }

    /// The boundary: 127 parentheses (level 128) parse; 128 do not.
    @Test func theDepthLimitIsExact() async throws {
        let fits = String(repeating: "(", count: 127) + "a" + String(repeating: ")", count: 127)
        #expect(await limitError(fits) == nil)
        let over = String(repeating: "(", count: 128) + "a" + String(repeating: ")", count: 128)
        #expect(await limitError(over)?.message == Self.depthMessage)
        let notsFit = String(repeating: "!", count: 127) + "true"
        #expect(await limitError(notsFit) == nil)
        #expect(await limitError("!" + notsFit)?.position == 129)
    }

    @Test func theLengthLimitIsExactAndCountsBytes() async throws {
        // A string literal with a two-byte `é`, spaces, and `1`: exactly 65,536 bytes.
        let fits = "'é'" + String(repeating: " ", count: 65_536 - 5) + "1"
        #expect(fits.utf8.count == 65_536)
        #expect(await limitError(fits)?.message == "expected an operator or the end of the expression, found 1")
        let over = "'é'" + String(repeating: " ", count: 65_536 - 4) + "1"
        #expect(over.utf8.count == 65_537)
        let error = try #require(await limitError(over))
        #expect(error.message == Self.lengthMessage)
        // Byte 65,537 is the `1`, character 65,536 (the `é` is two bytes, one character).
        #expect(error.position == 65_536)
    }

    /// Every walk (parse, compile, evaluate, field collection, release) at the deepest
    /// nesting allowed, on a small stack, for each kind of nesting; one more is refused.
    @Test(arguments: Nesting.allCases)
    func everyWalkIsSafeAtTheLimitAndOneMoreIsRefused(_ nesting: Nesting) async throws {
        let (values, errors, fields) = try await evaluateOnSmallStack(nesting.source(nesting.deepest), #"[{"x": 5}]"#)
        #expect(values == [nesting.value])
        #expect(errors.isEmpty)
        #expect(fields == ["x"])
        #expect(await limitError(nesting.source(nesting.deepest + 1))?.message == Self.depthMessage)
    }

    /// A 200-term sum of different fields, with subtraction mixed in, against the sum computed
    /// here; and a 100-deep nesting.
    @Test func longButReasonableExpressionsEvaluateExactly() async throws {
        let terms = (1...200).map { "v\($0)" }
        var source = terms[0]
        for (i, term) in terms.enumerated().dropFirst() { source += (i % 3 == 0 ? " - " : " + ") + term }
        let row = "{" + (1...200).map { #""v\#($0)": \#($0 * 1_000_003)"# }.joined(separator: ", ") + "}"
        var expected = 1_000_003
        for i in 2...200 { expected += ((i - 1) % 3 == 0 ? -1 : 1) * i * 1_000_003 }
        let (sum, sumErrors, fields) = try await evaluateOnSmallStack(source, "[\(row)]")
        #expect(sum == [.int(expected)])
        #expect(sumErrors.isEmpty)
        #expect(fields == Set(terms))

        let nested = String(repeating: "(", count: 100) + "x" + String(repeating: " * 2 + 1)", count: 100)
        let (values, errors, _) = try await evaluateOnSmallStack(nested, #"[{"x": 1}, {"x": -1}]"#)
        // x → 2x + 1, 100 times: from 1 it overflows Int (the row fails once, with the reason);
        // -1 stays -1.
        #expect(values == [.null, .int(-1)])
        #expect(errors == [ExpressionRowError(row: 0, reason: "integer overflow")])
        let small = String(repeating: "(", count: 100) + "x" + String(repeating: " + 3)", count: 100)
        #expect(try await evaluateOnSmallStack(small, #"[{"x": 1}, {"x": 2.5}]"#).values == [.int(301), .double(302.5)])
    }

    /// Runs of operators keep left-to-right meaning, typing, folding and short-circuit error
    /// reporting exactly as nested binary operations had them.
    @Test func operatorRunsKeepTheirMeaning() throws {
        #expect(try value("100 - 10 - 20 - 30") == 40)
        #expect(try value("2 * 3 + 4 * 5 - 6 / 3") == .double(24))
        #expect(try value("1 + 2 + a", #"{"a": 4}"#) == 7)
        #expect(try value("a - 1 - 2", #"{"a": 10}"#) == 7)
        #expect(try value("1 < 2 == true != false") == true)
        #expect(try value("a > 0 && a < 10 && a != 5", #"{"a": 5}"#) == false)
        #expect(try value("false || false || a", #"{"a": true}"#) == true)
        // The right side of && is not reported where the left is false, at any step of a run.
        let (values, errors) = try evaluate("a != 0 && 10 / a > 1 && 10 % a == 0", #"[{"a": 0}, {"a": 2}, {"a": 20}]"#)
        #expect(values == [false, true, false])
        #expect(errors.isEmpty)
        // Types are checked step by step, with the position of the offending side.
        #expect(parseError("a + b + 'x'")?.position == 9)
        #expect(parseError("a + b + 'x'")?.message == "'+' adds numbers; use concat() to join text")
        #expect(parseError("1 + 2 < 3 + true")?.message == "cannot add a boolean")
        #expect(parseError("(a && b) + 1")?.position == 4)
        #expect(parseError("(a && b) + 1")?.message == "cannot add a boolean")
        #expect(parseError("a + 1 / 0")?.position == 9)
        // A run that cannot be a condition is reported at its last operator.
        #expect(throws: ExpressionError(source: "a * 2 + 1", position: 7, message: "expected a condition (true or false), found a number")) {
            try Expression(parsing: "a * 2 + 1", requireBoolean: true)
        }
    }

    /// Filter conditions nest at most 64 levels: reading, compiling and evaluating one that
    /// deep, with the deepest expression allowed at the bottom, is safe on a small stack, and
    /// one level more is refused with the path.
    @Test func filterConditionsNestAtMostSixtyFourLevels() async throws {
        #expect(ConditionSpec.maximumDepth == 64)
        // 63 `not`s (level 64 is the expression) around the deepest `case` nesting.
        var nots: Value = ["expr": .string(Nesting.cases.source(Nesting.cases.deepest) + " > 4")]
        for _ in 0..<63 { nots = ["not": nots] }
        var ands: Value = ["field": "x", "operator": "gt", "value": 0]
        for level in 0..<63 {
            let bound: Value = .int(10 - level % 2)
            let test: Value = ["field": "x", "operator": "lt", "value": bound]
            ands = [level % 2 == 0 ? "and" : "or": [ands, test]]
        }
        let input = try batch(#"[{"x": 5}, {"x": 1}, {"x": -1}, {"x": null}, {"x": 9}, {"x": 10}]"#)
        let (notRows, andRows) = await onSmallStack { [nots, ands] () -> ([Int]?, [Int]?) in
            (
                (try? Condition(parsing: nots))?.selectedRows(input),
                (try? Condition(parsing: ands))?.selectedRows(input)
            )
        }
        // An odd number of `not`s selects where the expression is false (x > 0 gives x, else 0).
        #expect(notRows == [1, 2, 3])
        // Innermost x > 0, then alternately `and x < 10` and `or x < 9` (which lets -1 in),
        // ending with an `and`.
        #expect(andRows == [0, 1, 2, 4])
        let tooDeep: Value = ["not": nots]
        #expect(throws: SpecError(path: Array(repeating: "not", count: 64).joined(separator: "."), "conditions nest deeper than 64 levels")) {
            try Condition(parsing: tooDeep)
        }
    }

    /// Row-level traps found by the audit: the most negative integer as a `date_add` amount
    /// or a `split_part` index is a failure or an empty part, not a crash.
    @Test func extremeIntegerArgumentsDoNotTrap() throws {
        let row = #"{"n": -9223372036854775808, "d": "2024-01-31T00:00:00Z"}"#
        for unit in ["month", "quarter", "year"] {
            #expect(try failure("date_add(d, n, '\(unit)')", row) == "date out of range")
        }
        #expect(try failure("date_add(d, n, 'day')", row) == "date out of range")
        #expect(try value("split_part('a,b', ',', n)", row) == "")
        #expect(try value("split_part('a,b', ',', -2)") == "a")
        #expect(try value("split_part('a,b', ',', -3)") == "")
    }
}

/// A way to nest expressions, repeated `n` times around `x`.
enum Nesting: String, CaseIterable, Sendable {
    case parentheses, calls, negations, negatedGroups, ifs, cases, coalesces

    func source(_ n: Int) -> String {
        func wrap(_ open: String, _ inner: String, _ close: String) -> String {
            String(repeating: open, count: n) + inner + String(repeating: close, count: n)
        }
        switch self {
        case .parentheses: return wrap("(", "x + 1", ")")
        case .calls: return wrap("abs(", "x", ")")
        case .negations: return String(repeating: "-", count: n) + "x"
        case .negatedGroups: return wrap("-(", "x", ")")
        case .ifs: return wrap("if(x > 0, ", "x", ", 0)")
        case .cases: return wrap("case when x > 0 then ", "x", " else 0 end")
        case .coalesces: return wrap("coalesce(null, ", "x", ")")
        }
    }

    /// The largest `n` within 128 levels: the whole expression is level 1 and each
    /// repetition opens one level, two for `-(`; the right operand of the innermost `+` or
    /// `>` is one level more.
    var deepest: Int {
        switch self {
        case .parentheses, .ifs, .cases: return 126
        case .negatedGroups: return 63
        case .calls, .negations, .coalesces: return 127
        }
    }

    /// The value at `deepest` for x = 5.
    var value: Value {
        switch self {
        case .parentheses: return 6
        case .negations, .negatedGroups: return -5
        default: return 5
        }
    }
}
