import SluiceCore

/// How the cells of one CSV column become values.
enum CSVCellTyping: Sendable {
    /// No declared type: each cell is typed by its text (`12` int, `1.5` double, `true` bool,
    /// quoted or other text a string, an empty unquoted cell null).
    case inferred
    /// Declared `number`: an int or double when the text parses, else the text.
    case number
    /// Declared `boolean`: true/false/yes/no/1/0 when the text is one of those, else the text.
    case boolean
    /// Declared `string` or `date`: always the text.
    case text
    /// Declared `array` or `object`: the JSON value when the text is one, else the text.
    case json

    init(_ type: FieldType?) {
        switch type {
        case nil: self = .inferred
        case .number?: self = .number
        case .boolean?: self = .boolean
        case .string?, .date?: self = .text
        case .array?, .object?: self = .json
        }
    }

    /// Appends the cell `bytes` (already unescaped) to `builder`. `quoted` cells are never
    /// null, and are text unless a declared type says otherwise.
    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer, quoted: Bool, to builder: inout ColumnBuilder) {
        if bytes.isEmpty, !quoted {
            builder.appendNull()
            return
        }
        switch self {
        case .inferred:
            if !quoted {
                let first = bytes[0]
                if first &- 48 < 10 || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") || first == UInt8(ascii: "+") {
                    if let number = ByteNumber.parse(bytes) {
                        append(number, to: &builder)
                        return
                    }
                } else if first | 0x20 == UInt8(ascii: "t") || first | 0x20 == UInt8(ascii: "f") {
                    if let b = ByteNumber.parseStrictBool(bytes) {
                        builder.appendBool(b)
                        return
                    }
                }
            }
            builder.appendText(bytes)
        case .number:
            if let number = ByteNumber.parse(ByteNumber.trimmed(bytes)) {
                append(number, to: &builder)
            } else {
                builder.appendText(bytes)
            }
        case .boolean:
            if let b = ByteNumber.parseLenientBool(ByteNumber.trimmed(bytes)) {
                builder.appendBool(b)
            } else {
                builder.appendText(bytes)
            }
        case .text:
            builder.appendText(bytes)
        case .json:
            let trimmed = ByteNumber.trimmed(bytes)
            if let first = trimmed.first, first == UInt8(ascii: "[") || first == UInt8(ascii: "{"),
                let value = try? JSONParser.parse(trimmed)
            {
                builder.append(value)
            } else {
                builder.appendText(bytes)
            }
        }
    }

    @inline(__always)
    private func append(_ number: ByteNumber.Parsed, to builder: inout ColumnBuilder) {
        switch number {
        case .int(let i): builder.appendInt(i)
        case .double(let d): builder.appendDouble(d)
        }
    }
}
