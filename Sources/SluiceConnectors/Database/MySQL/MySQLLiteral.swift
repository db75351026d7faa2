import SluiceCore

/// SQL literals for values a user configured (a source's `parameters`), written so that no
/// value can change the statement: text becomes a hex literal with a character set
/// introducer (`_utf8mb4 X'6869'`), which means the same whatever the session's `sql_mode`
/// (backslash escapes or not) and whatever bytes the text holds.
enum MySQLLiteral {
    /// The literal for a scalar value; arrays and objects are not parameters.
    static func literal(_ value: Value) -> String? {
        switch value {
        case .null: return "NULL"
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .int(let i): return String(i)
        case .double(let d):
            guard d.isFinite else { return nil }
            return "\(d)"
        case .string(let s): return text(s)
        case .timestamp(let t): return "TIMESTAMP'\(MySQLValueMapping.datetimeText(t))'"
        case .array, .object: return nil
        }
    }

    /// `_utf8mb4 X'…'`, the hex digits of the UTF-8 bytes of `s`.
    static func text(_ s: String) -> String {
        let digits = Array("0123456789ABCDEF")
        var out = "_utf8mb4 X'"
        out.reserveCapacity(12 + s.utf8.count * 2)
        for byte in s.utf8 {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        out.append("'")
        return out
    }

    /// `sql` with each `?` placeholder replaced by the literal of the next parameter.
    /// Question marks inside quoted strings, quoted names and comments are not
    /// placeholders. Throws when the counts differ or a parameter is not a scalar (paths
    /// relative to `config`).
    static func substitute(_ sql: String, _ parameters: [Value], path: String) throws(SpecError) -> String {
        let placeholders = placeholderOffsets(sql)
        guard placeholders.count == parameters.count else {
            let holders = "\(placeholders.count) ? placeholder\(placeholders.count == 1 ? "" : "s")"
            let given = "\(parameters.count) parameter\(parameters.count == 1 ? " is" : "s are")"
            throw SpecError(path: "parameters", "\(path) has \(holders) but \(given) given")
        }
        guard !placeholders.isEmpty else { return sql }
        var literals: [String] = []
        for (index, value) in parameters.enumerated() {
            guard let literal = literal(value) else {
                throw SpecError(path: "parameters[\(index)]", "expected a string, number, boolean, date or null, found \(value.kindName)")
            }
            literals.append(literal)
        }
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + literals.reduce(0) { $0 + $1.utf8.count })
        var start = 0
        for (offset, literal) in zip(placeholders, literals) {
            out += bytes[start..<offset]
            out += Array(literal.utf8)
            start = offset + 1
        }
        out += bytes[start...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The UTF-8 offsets of the `?` placeholders of `sql`: outside '…', "…" and `…`
    /// quotes (with doubled quotes and backslash escapes), `-- ` and `#` line comments and
    /// `/* */` comments.
    static func placeholderOffsets(_ sql: String) -> [Int] {
        let bytes = Array(sql.utf8)
        var offsets: [Int] = []
        var i = 0
        let quote1 = UInt8(ascii: "'"), quote2 = UInt8(ascii: "\""), backtick = UInt8(ascii: "`")
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "?"):
                offsets.append(i)
                i += 1
            case quote1, quote2, backtick:
                i += 1
                while i < bytes.count {
                    if bytes[i] == UInt8(ascii: "\\"), byte != backtick {
                        i += 2
                        continue
                    }
                    if bytes[i] == byte {
                        if i + 1 < bytes.count, bytes[i + 1] == byte {
                            i += 2
                            continue
                        }
                        break
                    }
                    i += 1
                }
                i += 1
            case UInt8(ascii: "#"):
                while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "-") where i + 2 < bytes.count && bytes[i + 1] == UInt8(ascii: "-")
                && (bytes[i + 2] == UInt8(ascii: " ") || bytes[i + 2] == UInt8(ascii: "\t") || bytes[i + 2] == UInt8(ascii: "\n")):
                while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                i += 2
                while i + 1 < bytes.count, !(bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
            default:
                i += 1
            }
        }
        return offsets
    }
}
