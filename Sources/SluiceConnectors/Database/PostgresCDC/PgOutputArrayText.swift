/// Splits the text form of a PostgreSQL array (`{1,2,NULL}`, `{"a b","x\"y"}`,
/// `{{1,2},{3,4}}`, `[0:1]={7,8}`) into its elements, nested arrays kept nested.
///
/// Elements are separated by commas (the delimiter of every built-in type except `box`);
/// a quoted element has its backslash escapes removed; an unquoted `NULL` is a null.
enum PgOutputArrayText {
    /// One element of an array's text.
    indirect enum Element: Equatable {
        case null
        case text(String)
        case array([Element])
    }

    /// The elements of `text`, or `nil` when it is not an array's text.
    static func parse(_ text: String) -> [Element]? {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "[") {
            // Explicit bounds: `[1:2][1:3]={…}`.
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            bytes = bytes[(equals + 1)...]
        }
        var parser = Parser(bytes: bytes)
        guard let elements = parser.array(), parser.atEnd else { return nil }
        return elements
    }

    private struct Parser {
        var bytes: ArraySlice<UInt8>

        var atEnd: Bool { bytes.isEmpty }

        mutating func array() -> [Element]? {
            guard bytes.popFirst() == UInt8(ascii: "{") else { return nil }
            var elements: [Element] = []
            if bytes.first == UInt8(ascii: "}") {
                bytes = bytes.dropFirst()
                return elements
            }
            while true {
                guard let element = element() else { return nil }
                elements.append(element)
                switch bytes.popFirst() {
                case UInt8(ascii: ","): continue
                case UInt8(ascii: "}"): return elements
                default: return nil
                }
            }
        }

        mutating func element() -> Element? {
            switch bytes.first {
            case UInt8(ascii: "{"):
                return array().map(Element.array)
            case UInt8(ascii: "\""):
                bytes = bytes.dropFirst()
                var out: [UInt8] = []
                while let byte = bytes.popFirst() {
                    switch byte {
                    case UInt8(ascii: "\""): return .text(String(decoding: out, as: UTF8.self))
                    case UInt8(ascii: "\\"):
                        guard let escaped = bytes.popFirst() else { return nil }
                        out.append(escaped)
                    default: out.append(byte)
                    }
                }
                return nil
            default:
                var out: [UInt8] = []
                while let byte = bytes.first, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}") {
                    bytes = bytes.dropFirst()
                    if byte == UInt8(ascii: "\\") {
                        guard let escaped = bytes.popFirst() else { return nil }
                        out.append(escaped)
                    } else {
                        out.append(byte)
                    }
                }
                let text = String(decoding: out, as: UTF8.self)
                if text.isEmpty { return nil }
                return text.uppercased() == "NULL" ? .null : .text(text)
            }
        }
    }
}
