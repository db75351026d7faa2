import SluiceCore

/// Text functions. Lengths and positions count Unicode code points, and comparisons use UTF-8
/// bytes, as DuckDB does.
enum StringFunctions {
    static let definitions: [FunctionDefinition] = [
        FunctionDefinition("lower", arguments: 1...1, parameters: [.text], returns: .string) { a, _ throws(RowFailure) in
            .string(try ArgumentCoercion.text(a[0]).lowercased())
        },
        FunctionDefinition("upper", arguments: 1...1, parameters: [.text], returns: .string) { a, _ throws(RowFailure) in
            .string(try ArgumentCoercion.text(a[0]).uppercased())
        },
        FunctionDefinition("trim", arguments: 1...1, parameters: [.text], returns: .string) { a, _ throws(RowFailure) in
            .string(trim(try ArgumentCoercion.text(a[0])))
        },
        FunctionDefinition("length", arguments: 1...1, parameters: [.text], returns: .int) { a, _ throws(RowFailure) in
            .int(try ArgumentCoercion.text(a[0]).unicodeScalars.count)
        },
        FunctionDefinition("concat", arguments: 1...1, variadic: true, parameters: [.text], nullPropagating: false, returns: .string) {
            a, _ throws(RowFailure) in
            var out = ""
            for value in a where !value.isNull { out += try ArgumentCoercion.text(value) }
            return .string(out)
        },
        FunctionDefinition("substring", arguments: 2...3, parameters: [.text, .integer, .integer], returns: .string) {
            a, _ throws(RowFailure) in
            .string(substring(try ArgumentCoercion.text(a[0]), start: try ArgumentCoercion.integer(a[1]), length: a.count > 2 ? try ArgumentCoercion.integer(a[2]) : nil))
        },
        FunctionDefinition("split_part", arguments: 3...3, parameters: [.text, .text, .integer], returns: .string) {
            a, _ throws(RowFailure) in
            .string(splitPart(try ArgumentCoercion.text(a[0]), try ArgumentCoercion.text(a[1]), try ArgumentCoercion.integer(a[2])))
        },
        FunctionDefinition("replace", arguments: 3...3, parameters: [.text], returns: .string) { a, _ throws(RowFailure) in
            .string(replace(try ArgumentCoercion.text(a[0]), try ArgumentCoercion.text(a[1]), try ArgumentCoercion.text(a[2])))
        },
        FunctionDefinition("starts_with", arguments: 2...2, parameters: [.text], returns: .bool) { a, _ throws(RowFailure) in
            .bool(try ArgumentCoercion.text(a[0]).utf8.starts(with: try ArgumentCoercion.text(a[1]).utf8))
        },
        FunctionDefinition("ends_with", arguments: 2...2, parameters: [.text], returns: .bool) { a, _ throws(RowFailure) in
            .bool(try ArgumentCoercion.text(a[0]).utf8.reversed().starts(with: try ArgumentCoercion.text(a[1]).utf8.reversed()))
        },
        FunctionDefinition("contains", arguments: 2...2, parameters: [.text], returns: .bool) { a, _ throws(RowFailure) in
            var haystack = try ArgumentCoercion.text(a[0])
            let needle = Array(try ArgumentCoercion.text(a[1]).utf8)
            return .bool(haystack.withUTF8 { LooseComparison.containsBytes(UnsafeRawBufferPointer($0), needle) })
        },
        FunctionDefinition(
            "regex_match", arguments: 2...2, parameters: [.text], result: { _ in .bool },
            prepare: { literals throws(FunctionDefinition.SetupFailure) in
                let fixed = try literalRegex(literals, 1)
                return { a, _ throws(RowFailure) in
                    let regex = try fixed.orElse { () throws(RowFailure) in try ExpressionRegex(try ArgumentCoercion.text(a[1])) }
                    return .bool(regex.matches(try ArgumentCoercion.text(a[0])))
                }
            }),
        FunctionDefinition(
            "regex_replace", arguments: 3...4, parameters: [.text], result: { _ in .string },
            prepare: { literals throws(FunctionDefinition.SetupFailure) in
                let fixed = try literalRegex(literals, 1)
                if literals.count > 3, let flags = literals[3] {
                    guard case .string(let f) = flags, f.allSatisfy({ $0 == "g" }) else {
                        throw FunctionDefinition.SetupFailure(argument: 3, reason: "regex_replace options must be 'g' (replace every match)")
                    }
                }
                return { a, _ throws(RowFailure) in
                    let regex = try fixed.orElse { () throws(RowFailure) in try ExpressionRegex(try ArgumentCoercion.text(a[1])) }
                    let global = a.count > 3 ? try ArgumentCoercion.text(a[3]).contains("g") : false
                    return .string(regex.replacing(in: try ArgumentCoercion.text(a[0]), with: try ArgumentCoercion.text(a[2]), global: global))
                }
            }),
    ]

    /// The regex of a literal pattern argument, compiled at parse time.
    private static func literalRegex(_ literals: [Value?], _ index: Int) throws(FunctionDefinition.SetupFailure) -> ExpressionRegex? {
        guard index < literals.count, let literal = literals[index] else { return nil }
        guard case .string(let pattern) = literal else {
            throw FunctionDefinition.SetupFailure(argument: index, reason: "a regular expression must be text")
        }
        do {
            return try ExpressionRegex(pattern)
        } catch {
            throw FunctionDefinition.SetupFailure(argument: index, reason: error.reason)
        }
    }

    /// `text` without leading and trailing space separators (DuckDB's `trim`; tabs and line
    /// breaks stay).
    static func trim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0.properties.generalCategory == .spaceSeparator }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(scalars[first...last])
    }

    /// DuckDB's `substring`: 1-based `start` (negative counts from the end, 0 is one before the
    /// first character), a negative `length` takes characters before `start`; the window is
    /// clipped to the text.
    static func substring(_ text: String, start: Int, length: Int?) -> String {
        let scalars = Array(text.unicodeScalars)
        let n = scalars.count
        var lower = start > 0 ? start - 1 : (start < 0 ? n + start : -1)
        var upper: Int
        if let length {
            if length >= 0 {
                let (sum, overflow) = lower.addingReportingOverflow(length)
                upper = overflow ? Int.max : sum
            } else {
                upper = lower
                let (sum, overflow) = lower.addingReportingOverflow(length)
                lower = overflow ? Int.min : sum
            }
        } else {
            upper = Int.max
        }
        lower = max(lower, 0)
        upper = min(upper, n)
        guard lower < upper else { return "" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[lower..<upper])
        return String(out)
    }

    /// DuckDB's `split_part`: part `index` (1-based, negative from the end) of `text` split at
    /// `delimiter`, or '' when there is no such part; an empty delimiter splits into characters.
    static func splitPart(_ text: String, _ delimiter: String, _ index: Int) -> String {
        let parts: [String]
        if delimiter.isEmpty {
            parts = text.unicodeScalars.map { String($0) }
        } else {
            var t = text
            let needle = Array(delimiter.utf8)
            parts = t.withUTF8 { buffer in
                let bytes = UnsafeRawBufferPointer(buffer)
                var result: [String] = []
                var start = 0
                while let found = LooseComparison.firstIndex(of: needle, in: bytes, from: start) {
                    result.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<found]), as: UTF8.self))
                    start = found + needle.count
                }
                result.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<bytes.count]), as: UTF8.self))
                return result
            }
        }
        if index > 0, index <= parts.count { return parts[index - 1] }
        if index < 0, index >= -parts.count { return parts[parts.count + index] }
        return ""
    }

    /// `text` with every occurrence of `target` (by UTF-8 bytes) replaced; an empty target
    /// changes nothing.
    static func replace(_ text: String, _ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return text }
        var t = text
        let needle = Array(target.utf8)
        let bytes: [UInt8] = t.withUTF8 { buffer in
            let haystack = UnsafeRawBufferPointer(buffer)
            var out: [UInt8] = []
            out.reserveCapacity(haystack.count)
            var start = 0
            while let found = LooseComparison.firstIndex(of: needle, in: haystack, from: start) {
                out.append(contentsOf: haystack[start..<found])
                out.append(contentsOf: replacement.utf8)
                start = found + needle.count
            }
            out.append(contentsOf: haystack[start..<haystack.count])
            return out
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
