extension JSONText {
    /// The JSON text of `value` indented by two spaces per level (for people: schemas and
    /// listings printed by the command line); `pretty: false` is ``string(_:)``.
    public static func string(_ value: Value, pretty: Bool) -> String {
        guard pretty else { return string(value) }
        var out: [UInt8] = []
        appendPretty(value, indent: 0, to: &out)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func newline(_ indent: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    private static func appendPretty(_ value: Value, indent: Int, to out: inout [UInt8]) {
        switch value {
        case .array(let items) where !items.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, to: &out)
                appendPretty(item, indent: indent + 1, to: &out)
            }
            newline(indent, to: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let object) where !object.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, (key, item)) in object.pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, to: &out)
                appendString(key, to: &out)
                out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                appendPretty(item, indent: indent + 1, to: &out)
            }
            newline(indent, to: &out)
            out.append(UInt8(ascii: "}"))
        default:
            append(value, to: &out)
        }
    }
}
