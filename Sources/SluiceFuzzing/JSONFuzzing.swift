import SluiceCore

/// The properties checked on one input of the JSON parser.
enum JSONFuzzing {
    /// Parses `bytes`; when they parse, writes the value back (compact and pretty) and
    /// re-parses it, which must give the identical value (non-finite doubles, which JSON
    /// cannot spell, become null) and the identical text again. Whether or not they parse,
    /// the syntax-checking skip the streaming readers use must agree: same verdict, and for
    /// an error the same offset and message.
    static func run(_ bytes: [UInt8]) -> FuzzReport {
        var report = FuzzReport()
        let parsed: Result<Value, JSONParseError>
        do {
            parsed = .success(try JSONParser.parse(bytes))
        } catch {
            parsed = .failure(error)
        }
        checkSkipAgrees(bytes, with: parsed, into: &report)
        switch parsed {
        case .failure(let error):
            report.outcome = "rejected: \(error)"
            report.check((0...bytes.count).contains(error.offset), "error offset \(error.offset) outside 0...\(bytes.count)")
        case .success(let value):
            report.outcome = "parsed \(value.kindName)"
            checkRoundTrip(value, into: &report)
        }
        return report
    }

    /// Compact and pretty text of `value` re-parse to the same value and print the same text.
    static func checkRoundTrip(_ value: Value, into report: inout FuzzReport) {
        let expected = value.withNonFiniteAsNull
        let compact = JSONText.bytes(value)
        let pretty = Array(JSONText.string(value, pretty: true).utf8)
        for (name, text) in [("compact", compact), ("pretty", pretty)] {
            do {
                let again = try JSONParser.parse(text)
                report.check(
                    again.isIdentical(to: expected),
                    "\(name) round trip changed the value: wrote \(String(decoding: text.prefix(300), as: UTF8.self))")
                report.check(JSONText.bytes(again) == compact, "\(name) round trip changed the compact text")
            } catch {
                report.violations.append("\(name) text of a parsed value does not parse: \(error); text \(String(decoding: text.prefix(300), as: UTF8.self))")
            }
        }
    }

    /// ``JSONCursor/skipValue(depth:)`` (what the record readers use for values they do not
    /// build) accepts exactly what the parser accepts, and fails at the same place.
    static func checkSkipAgrees(_ bytes: [UInt8], with parsed: Result<Value, JSONParseError>, into report: inout FuzzReport) {
        let skipped: JSONScanError? = bytes.withUnsafeBytes { raw in
            var cursor = JSONCursor(raw, at: 0)
            do throws(JSONScanError) {
                cursor.skipSpace()
                try cursor.skipValue(depth: 1)
                cursor.skipSpace()
                guard cursor.atEnd else { throw cursor.error("unexpected data after the JSON value") }
                return nil
            } catch {
                return error
            }
        }
        switch (parsed, skipped) {
        case (.success, nil):
            break
        case (.success, let skipError?):
            report.violations.append("the parser accepts but skipValue rejects at byte \(skipError.offset): \(skipError.message)")
        case (.failure(let error), nil):
            report.violations.append("skipValue accepts but the parser rejects: \(error)")
        case (.failure(let error), let skipError?):
            report.check(
                error.offset == skipError.offset && error.message == skipError.message,
                "the parser and skipValue disagree on the error: '\(error)' against byte \(skipError.offset): \(skipError.message)")
        }
    }
}
