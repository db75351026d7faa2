import Testing

@testable import SluiceXLSX

@Suite struct XLSXNumberFormatTests {
    @Test func builtinFormats() {
        for id in [14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 47, 50, 55, 58] {
            #expect(XLSXNumberFormat.builtin(id) == .date, "format \(id)")
        }
        #expect(XLSXNumberFormat.builtin(46) == .elapsed)
        for id in [0, 1, 2, 9, 10, 11, 13, 23, 26, 37, 44, 48, 49, 59, 164] {
            #expect(XLSXNumberFormat.builtin(id) == .number, "format \(id)")
        }
    }

    @Test(arguments: [
        ("yyyy-mm-dd", XLSXNumberFormat.date), ("dd/mm/yyyy hh:mm:ss", .date), ("h:mm AM/PM", .date), ("[$-409]mmmm d, yyyy", .date),
        ("[h]:mm:ss", .elapsed), ("[mm]:ss", .elapsed), ("[SS].000", .number), ("[ss].000", .elapsed), ("General", .number), ("0.00", .number),
        ("#,##0.00_);[Red](#,##0.00)", .number), (#"0.0 "days""#, .number), (#"\d0"#, .number), ("_d0", .number), ("@", .number),
        ("0.00E+00", .number), (#"[Red]0;[Blue]d"#, .number), ("0;yyyy", .number), (#""yy"0"#, .number), ("[hhh]0", .number),
    ])
    func customFormatsAreReadAsOpenpyxlReadsThem(_ code: String, _ kind: XLSXNumberFormat) {
        #expect(XLSXNumberFormat.custom(code) == kind, "format \(code)")
    }

    /// The same decisions as openpyxl's `is_date_format` / `is_timedelta_format` on a list of
    /// codes.
    @Test func agreesWithOpenpyxl() async throws {
        let codes = [
            "yyyy-mm-dd", "mm-dd-yy", "d-mmm-yy", "General", "0%", "0.00E+00", "[h]:mm:ss", "mm:ss", "mmss.0", "[$-F800]dddd, mmmm dd, yyyy",
            #""Total: "0"#, #"0 \m"#, "[Red]0.00", "#,##0_);(#,##0)", "yy/mm/dd@", "[hh]:mm", "[H]:mm", "hh:mm:ss;@", "0;[Red]-0;\"zero\";@",
            "[s]", "[ss].00", "[m]", "[mm]:ss", "AM/PM h", "e", "[>=100]0;0.0",
        ]
        let script = """
            import sys, json
            from openpyxl.styles.numbers import is_date_format, is_timedelta_format
            codes = json.loads(sys.argv[1])
            print(json.dumps(["elapsed" if is_date_format(c) and is_timedelta_format(c) else "date" if is_date_format(c) else "number" for c in codes]))
            """
        let json = String(decoding: try JSONEncoderHelper.encode(codes), as: UTF8.self)
        let output = try await XLSXTestSupport.python(script, json)
        let expected = try XLSXTestSupport.json(output).arrayValue ?? []
        for (code, want) in zip(codes, expected) {
            let got: String
            switch XLSXNumberFormat.custom(code) {
            case .number: got = "number"
            case .date: got = "date"
            case .elapsed: got = "elapsed"
            }
            #expect(got == want.stringValue, "format \(code)")
        }
    }
}
